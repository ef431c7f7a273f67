-- Display fields (opt-in, USERSYNC_DISPLAY_FIELDS): profile columns the host adds with
-- its own migration (full_name, avatar_url, ...), kept equal to auth data (email, phone,
-- a key of raw_user_meta_data or raw_app_meta_data) at sign-up, at every change of those
-- auth fields, and by every sync.
--
-- usersync.fill_display_fields(uuid[]) writes the mapped columns of these users'
-- profiles where they differ from auth data; returns the users whose profile changed.
-- This file makes it empty (no mapping: it writes nothing), so that the SQL calling it
-- is static. After every migrate, usersync replaces its body with plain SQL generated
-- from the setting (column names quoted, JSON keys as literals: no dynamic SQL at
-- sign-up time), and comments it with a hash of the mapping, which verify_migration
-- compares with the setting's (usersync.sync.display_fields).
--
-- on_auth_user_display_changed calls it when the auth service changes one of those auth
-- fields (an e-mail or phone change, a metadata update at sign-in with a provider, an
-- anonymous user converted). It runs inside the auth service's transaction, so it must
-- never fail one: SECURITY DEFINER with an empty search_path, a short lock timeout, and
-- any error caught and recorded in usersync.trigger_failures (source
-- on_auth_user_display_changed); the next sync repairs the profile.

CREATE OR REPLACE FUNCTION usersync.fill_display_fields(user_ids uuid[])
RETURNS SETOF uuid
LANGUAGE sql
VOLATILE
SET search_path = ''
AS $function$
    SELECT u.id FROM unnest(user_ids) AS u(id) WHERE false
$function$;

COMMENT ON FUNCTION usersync.fill_display_fields(uuid[])
    IS 'usersync display_fields mapping 44136fa355b3678a';

REVOKE EXECUTE ON FUNCTION usersync.fill_display_fields(uuid[])
    FROM PUBLIC, anon, authenticated;

CREATE OR REPLACE FUNCTION public.sync_profile_display_fields()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
SET lock_timeout = '200ms'
AS $function$
BEGIN
    BEGIN
        PERFORM usersync.fill_display_fields(ARRAY[NEW.id]);
    EXCEPTION WHEN OTHERS THEN
        BEGIN
            INSERT INTO usersync.trigger_failures (user_id, source, sqlstate, message)
            VALUES (NEW.id, TG_NAME, SQLSTATE, left(SQLERRM, 1000));
        EXCEPTION WHEN OTHERS THEN
            RAISE WARNING 'usersync: display fields of user % not written (%)', NEW.id, SQLERRM;
        END;
    END;
    RETURN NEW;
END;
$function$;

COMMENT ON FUNCTION public.sync_profile_display_fields() IS 'usersync display_fields v1';

REVOKE EXECUTE ON FUNCTION public.sync_profile_display_fields() FROM PUBLIC, anon, authenticated;

CREATE OR REPLACE TRIGGER on_auth_user_display_changed
    AFTER UPDATE OF email, phone, raw_user_meta_data, raw_app_meta_data ON auth.users
    FOR EACH ROW
    WHEN ((OLD.email)::text IS DISTINCT FROM (NEW.email)::text
          OR OLD.phone IS DISTINCT FROM NEW.phone
          OR OLD.raw_user_meta_data IS DISTINCT FROM NEW.raw_user_meta_data
          OR OLD.raw_app_meta_data IS DISTINCT FROM NEW.raw_app_meta_data)
    EXECUTE FUNCTION public.sync_profile_display_fields();
