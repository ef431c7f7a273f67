-- Custom Access Token hook, v1. Supabase Auth calls it on every sign-in and token
-- refresh, inside the token's transaction, as supabase_auth_admin, with a 2 s
-- statement timeout: select usersync.access_token_hook('{"user_id": ..., "claims": ...}').
-- - an active profile: the claims plus its role and whether it is active;
-- - a deactivated profile (is_active false or NULL): {"error": {"http_code": 403, ...}},
--   so the auth service refuses the token, at sign-in and at refresh alike;
-- - no profile: it is created as the sync creates it, then the claims are issued;
-- - anything else that goes wrong: the claims go out unchanged and the failure is
--   recorded in usersync.trigger_failures (a raising hook would fail the sign-in).
-- It lives in the private schema usersync (the REST API does not serve it) and is
-- SECURITY DEFINER, so supabase_auth_admin needs no rights on public. Enable it with
-- the URI pg-functions://postgres/usersync/access_token_hook.

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

CREATE OR REPLACE FUNCTION usersync.access_token_hook(event jsonb)
RETURNS jsonb
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = ''
-- A lock wait (a concurrent first sign-in's insert) ends well inside the auth
-- service's 2 s, as a failure that is caught below; a statement timeout could not be.
SET lock_timeout = '1s'
AS $function$
DECLARE
    claims jsonb := event -> 'claims';
    target uuid;
    role_claim text;
    active_claim text;
    refusal text;
    profile_role text;
    profile_active boolean;
BEGIN
    BEGIN
        target := (event ->> 'user_id')::uuid;
        SELECT s.role_claim, s.active_claim, s.deactivated_message
          INTO STRICT role_claim, active_claim, refusal
          FROM usersync.access_token_hook_settings s;

        SELECT p.role, p.is_active INTO profile_role, profile_active
          FROM public.user_profiles p
         WHERE p.user_id = target;
        IF NOT FOUND THEN
            -- The profile a sign-up gets (usersync.profile_defaults: profile_rules.v1.sql).
            INSERT INTO public.user_profiles
                   (user_id, role, is_active, sso_provider, sso_user_id, last_login)
            SELECT d.user_id, usersync.default_role(), true, d.sso_provider, d.sso_user_id,
                   d.last_login
              FROM usersync.profile_defaults d
             WHERE d.user_id = target
                ON CONFLICT (user_id) DO NOTHING
            RETURNING role, is_active INTO profile_role, profile_active;
            IF NOT FOUND THEN
                -- A concurrent first sign-in made it (a new statement sees it), or
                -- the user is gone.
                SELECT p.role, p.is_active INTO profile_role, profile_active
                  FROM public.user_profiles p
                 WHERE p.user_id = target;
                IF NOT FOUND THEN
                    RAISE EXCEPTION 'no auth user % to make a profile for', target
                        USING ERRCODE = 'no_data_found';
                END IF;
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
        BEGIN
            INSERT INTO usersync.trigger_failures (user_id, source, sqlstate, message)
            VALUES (coalesce(target, '00000000-0000-0000-0000-000000000000'),
                    'access_token_hook', SQLSTATE, left(SQLERRM, 1000));
        EXCEPTION WHEN OTHERS THEN
            RAISE WARNING 'usersync: access token hook failed for user % (%)', target, SQLERRM;
        END;
        RETURN jsonb_build_object('claims', claims);
    END;
END;
$function$;

COMMENT ON FUNCTION usersync.access_token_hook(jsonb) IS 'usersync access_token_hook v1';

-- Only the auth service may call it.
REVOKE EXECUTE ON FUNCTION usersync.access_token_hook(jsonb)
    FROM PUBLIC, anon, authenticated, service_role;
GRANT USAGE ON SCHEMA usersync TO supabase_auth_admin;
GRANT EXECUTE ON FUNCTION usersync.access_token_hook(jsonb) TO supabase_auth_admin;
