-- Sign-ins reach the profile: the auth service writes auth.users.last_sign_in_at at
-- every sign-in (as supabase_auth_admin: search_path = auth, no rights on public), and
-- on_auth_user_signed_in moves the profile's last_login to it, by the fill rule of
-- profile_rules.v4.sql (last_login becomes the later of the two: never moved back).
--
-- It runs inside every sign-in's transaction, so it must never fail one: SECURITY
-- DEFINER with an empty search_path and schema-qualified names, a short lock timeout
-- (a sign-in waits at most 200ms for a profile row or table another transaction
-- holds), and any error is caught and recorded in usersync.trigger_failures (source
-- on_auth_user_signed_in). If even that fails, it warns and the sign-in goes on. The
-- next sync_users repairs a last_login left behind, as drift.
-- WHEN keeps it from running at all for the auth service's other updates of the row
-- (a confirmation, a metadata change, a token refresh that leaves last_sign_in_at).

CREATE OR REPLACE FUNCTION public.sync_profile_last_login()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
SET lock_timeout = '200ms'
AS $function$
BEGIN
    BEGIN
        PERFORM usersync.fill_profiles(ARRAY[NEW.id]);
    EXCEPTION WHEN OTHERS THEN
        BEGIN
            INSERT INTO usersync.trigger_failures (user_id, source, sqlstate, message)
            VALUES (NEW.id, TG_NAME, SQLSTATE, left(SQLERRM, 1000));
        EXCEPTION WHEN OTHERS THEN
            RAISE WARNING 'usersync: last_login of user % not moved (%)', NEW.id, SQLERRM;
        END;
    END;
    RETURN NEW;
END;
$function$;

COMMENT ON FUNCTION public.sync_profile_last_login() IS 'usersync signin_trigger v1';

REVOKE EXECUTE ON FUNCTION public.sync_profile_last_login() FROM PUBLIC, anon, authenticated;

CREATE OR REPLACE TRIGGER on_auth_user_signed_in
    AFTER UPDATE OF last_sign_in_at ON auth.users
    FOR EACH ROW
    WHEN (NEW.last_sign_in_at IS DISTINCT FROM OLD.last_sign_in_at)
    EXECUTE FUNCTION public.sync_profile_last_login();
