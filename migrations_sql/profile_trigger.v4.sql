-- Automatic profile creation, v4: v3's triggers (profile_trigger.v3.sql), and the
-- sign-up also writes the profile's display fields (display_fields.v1.sql,
-- USERSYNC_DISPLAY_FIELDS) through usersync.fill_display_fields, in a block of its own:
-- a display field that cannot be written never costs the user their profile. The
-- auth service inserts as supabase_auth_admin (search_path = auth, no rights on
-- public), so the functions are SECURITY DEFINER with an empty search_path and
-- schema-qualified names. A failure never fails the sign-up: it is recorded in
-- usersync.trigger_failures and the next sync repairs it.

CREATE OR REPLACE FUNCTION public.create_user_profile()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $function$
BEGIN
    BEGIN
        PERFORM usersync.create_profiles(ARRAY[NEW.id]);
    EXCEPTION WHEN OTHERS THEN
        BEGIN
            INSERT INTO usersync.trigger_failures (user_id, source, sqlstate, message)
            VALUES (NEW.id, TG_NAME, SQLSTATE, left(SQLERRM, 1000));
        EXCEPTION WHEN OTHERS THEN
            RAISE WARNING 'usersync: no profile for user % (%)', NEW.id, SQLERRM;
        END;
    END;
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

-- The auth service writes a user's identities right after the user, in the same
-- transaction, and later when they link another provider: each may decide the SSO
-- provider or carry the provider's user id.
CREATE OR REPLACE FUNCTION public.fill_profile_sso_identity()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $function$
BEGIN
    BEGIN
        PERFORM usersync.fill_profiles(ARRAY[NEW.user_id]);
    EXCEPTION WHEN OTHERS THEN
        BEGIN
            INSERT INTO usersync.trigger_failures (user_id, source, sqlstate, message)
            VALUES (NEW.user_id, TG_NAME, SQLSTATE, left(SQLERRM, 1000));
        EXCEPTION WHEN OTHERS THEN
            RAISE WARNING 'usersync: no SSO identity on the profile of %', NEW.user_id;
        END;
    END;
    RETURN NEW;
END;
$function$;

COMMENT ON FUNCTION public.create_user_profile() IS 'usersync profile_trigger v4';
COMMENT ON FUNCTION public.fill_profile_sso_identity() IS 'usersync profile_trigger v4';

REVOKE EXECUTE ON FUNCTION public.create_user_profile() FROM PUBLIC, anon, authenticated;
REVOKE EXECUTE ON FUNCTION public.fill_profile_sso_identity() FROM PUBLIC, anon, authenticated;

CREATE OR REPLACE TRIGGER on_auth_user_created
    AFTER INSERT ON auth.users
    FOR EACH ROW EXECUTE FUNCTION public.create_user_profile();

CREATE OR REPLACE TRIGGER on_auth_identity_created
    AFTER INSERT ON auth.identities
    FOR EACH ROW EXECUTE FUNCTION public.fill_profile_sso_identity();
