-- Custom Access Token hook, v2: what v1 does (access_token_hook.v1.sql), within a time
-- budget that holds in the worst case, and failures that stay visible.
--
-- Time: the auth service cancels the call after 2 s (statement_timeout), and a
-- cancellation cannot be caught: the sign-in would fail. So every lock wait is bounded
-- by what is left of the budget, counted from the start of the auth service's
-- statement: the profile's read and write share 1.2 s (at most 400 ms per wait), and the
-- failure record gets what is left of 1.5 s (at most 250 ms). When even that is not
-- left, or the record's table is locked, the failure is counted in the sequence
-- usersync.access_token_hook_unrecorded_failures instead (a sequence is not rolled back
-- and takes no lock a table lock holds) and logged as a warning.
--
-- Visibility: a hook failure records the claims that went out (without usersync's) and
-- is not a missing-profile failure: the sync does not mark it repaired; staff
-- acknowledge it (resolved_at) in the admin.

-- Settings the hook reads, changed with an UPDATE (one row): the claim names and the
-- refusal's message. The claims that Supabase Auth sets may not be taken.
CREATE TABLE IF NOT EXISTS usersync.access_token_hook_settings (
    singleton BOOLEAN PRIMARY KEY DEFAULT true CHECK (singleton),
    role_claim VARCHAR(100) NOT NULL DEFAULT 'user_role',
    active_claim VARCHAR(100) NOT NULL DEFAULT 'user_is_active',
    deactivated_message VARCHAR(500) NOT NULL
        DEFAULT 'This account has been deactivated. Contact an administrator.',
    CONSTRAINT access_token_hook_settings_claims_differ CHECK (role_claim <> active_claim),
    CONSTRAINT access_token_hook_settings_claims_free CHECK (
        role_claim ~ '^[A-Za-z_][A-Za-z0-9_]*$'
        AND active_claim ~ '^[A-Za-z_][A-Za-z0-9_]*$'
        AND role_claim NOT IN ('iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti', 'email',
                               'phone', 'app_metadata', 'user_metadata', 'role', 'aal',
                               'amr', 'session_id', 'is_anonymous', 'client_id', 'scope')
        AND active_claim NOT IN ('iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti', 'email',
                                 'phone', 'app_metadata', 'user_metadata', 'role', 'aal',
                                 'amr', 'session_id', 'is_anonymous', 'client_id', 'scope')),
    CONSTRAINT access_token_hook_settings_message CHECK (deactivated_message <> '')
);
INSERT INTO usersync.access_token_hook_settings DEFAULT VALUES ON CONFLICT DO NOTHING;

ALTER TABLE usersync.trigger_failures ADD COLUMN IF NOT EXISTS claims JSONB;

CREATE SEQUENCE IF NOT EXISTS usersync.access_token_hook_unrecorded_failures
    AS bigint MINVALUE 1 START WITH 1;
REVOKE ALL ON SEQUENCE usersync.access_token_hook_unrecorded_failures
    FROM PUBLIC, anon, authenticated;

CREATE OR REPLACE FUNCTION usersync.access_token_hook(event jsonb)
RETURNS jsonb
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = ''
SET lock_timeout = '400ms'
AS $function$
DECLARE
    claims jsonb := event -> 'claims';
    target uuid;
    role_claim text;
    active_claim text;
    refusal text;
    profile_role text;
    profile_active boolean;
    -- The budget runs from the start of the auth service's statement.
    profile_deadline timestamptz := statement_timestamp() + interval '1200 milliseconds';
    record_deadline timestamptz := statement_timestamp() + interval '1500 milliseconds';
    left_ms integer;
    failed_state text;
    failed_message text;
BEGIN
    BEGIN
        target := (event ->> 'user_id')::uuid;
        SELECT s.role_claim, s.active_claim, s.deactivated_message
          INTO STRICT role_claim, active_claim, refusal
          FROM usersync.access_token_hook_settings s;

        left_ms := floor(extract(epoch FROM profile_deadline - clock_timestamp()) * 1000);
        PERFORM set_config('lock_timeout', greatest(1, least(400, left_ms)) || 'ms', true);
        SELECT p.role, p.is_active INTO profile_role, profile_active
          FROM public.user_profiles p
         WHERE p.user_id = target;
        IF NOT FOUND THEN
            left_ms := floor(extract(epoch FROM profile_deadline - clock_timestamp()) * 1000);
            PERFORM set_config('lock_timeout', greatest(1, least(400, left_ms)) || 'ms', true);
            -- The profile a sign-up gets, as the triggers and the sync make it
            -- (usersync.create_profiles: profile_rules.v3.sql and later).
            PERFORM usersync.create_profiles(ARRAY[target]);
            -- Made now, or by a concurrent first sign-in (a new statement sees it); none
            -- when the user is gone.
            left_ms := floor(extract(epoch FROM profile_deadline - clock_timestamp()) * 1000);
            PERFORM set_config('lock_timeout', greatest(1, least(400, left_ms)) || 'ms', true);
            SELECT p.role, p.is_active INTO profile_role, profile_active
              FROM public.user_profiles p
             WHERE p.user_id = target;
            IF NOT FOUND THEN
                RAISE EXCEPTION 'no auth user % to make a profile for', target
                    USING ERRCODE = 'no_data_found';
            END IF;
        END IF;

        -- NULL counts as inactive, as it does in usersync's own views and API.
        IF profile_active IS NOT TRUE THEN
            RETURN jsonb_build_object(
                'error', jsonb_build_object('http_code', 403, 'message', refusal));
        END IF;
        RETURN jsonb_build_object(
            'claims', claims || jsonb_build_object(role_claim, profile_role, active_claim, true));
    EXCEPTION WHEN OTHERS THEN
        failed_state := SQLSTATE;
        failed_message := left(SQLERRM, 1000);
        BEGIN
            left_ms := floor(extract(epoch FROM record_deadline - clock_timestamp()) * 1000);
            IF left_ms < 20 THEN
                RAISE EXCEPTION 'no time left to record it' USING ERRCODE = 'lock_not_available';
            END IF;
            PERFORM set_config('lock_timeout', least(250, left_ms) || 'ms', true);
            INSERT INTO usersync.trigger_failures (user_id, source, sqlstate, message, claims)
            VALUES (coalesce(target, '00000000-0000-0000-0000-000000000000'),
                    'access_token_hook', failed_state, failed_message, claims);
        EXCEPTION WHEN OTHERS THEN
            BEGIN
                PERFORM nextval('usersync.access_token_hook_unrecorded_failures');
            EXCEPTION WHEN OTHERS THEN
                NULL;  -- the warning below is all that is left
            END;
            RAISE WARNING 'usersync: access token hook failed for user % (%), not recorded: %',
                target, failed_message, SQLERRM;
        END;
        RETURN jsonb_build_object('claims', claims);
    END;
END;
$function$;

COMMENT ON FUNCTION usersync.access_token_hook(jsonb) IS 'usersync access_token_hook v2';

-- Only the auth service may call it.
REVOKE EXECUTE ON FUNCTION usersync.access_token_hook(jsonb)
    FROM PUBLIC, anon, authenticated, service_role;
GRANT USAGE ON SCHEMA usersync TO supabase_auth_admin;
GRANT EXECUTE ON FUNCTION usersync.access_token_hook(jsonb) TO supabase_auth_admin;
