-- Automatic profile creation, v2: v1's triggers, now taking what a profile gets from
-- usersync.profile_defaults and what may be filled from usersync.profile_sync
-- (profile_rules.v1.sql), the rules the sync applies. The auth service inserts as
-- supabase_auth_admin (search_path = auth, no rights on public), so the functions are
-- SECURITY DEFINER with an empty search_path and schema-qualified names. A failure
-- never fails the sign-up: it is recorded in usersync.trigger_failures and the next
-- sync repairs it.

CREATE OR REPLACE FUNCTION public.create_user_profile()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $function$
BEGIN
    BEGIN
        INSERT INTO public.user_profiles
               (user_id, role, is_active, sso_provider, sso_user_id, last_login)
        SELECT d.user_id, usersync.default_role(), true, d.sso_provider, d.sso_user_id,
               d.last_login
          FROM usersync.profile_defaults d
         WHERE d.user_id = NEW.id
            ON CONFLICT (user_id) DO NOTHING;
    EXCEPTION WHEN OTHERS THEN
        BEGIN
            INSERT INTO usersync.trigger_failures (user_id, source, sqlstate, message)
            VALUES (NEW.id, TG_NAME, SQLSTATE, left(SQLERRM, 1000));
        EXCEPTION WHEN OTHERS THEN
            RAISE WARNING 'usersync: no profile for user % (%)', NEW.id, SQLERRM;
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
        UPDATE public.user_profiles p
           SET sso_provider = s.filled_sso_provider,
               sso_user_id = s.filled_sso_user_id,
               last_login = s.filled_last_login
          FROM usersync.profile_sync s
         WHERE s.user_id = NEW.user_id
           AND s.fills
           AND p.user_id = s.user_id
           -- Only the row as read: a concurrent edit wins, and the next sync fills.
           AND (p.sso_provider, p.sso_user_id, p.last_login) IS NOT DISTINCT FROM
               (s.profile_sso_provider, s.profile_sso_user_id, s.profile_last_login);
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

COMMENT ON FUNCTION public.create_user_profile() IS 'usersync profile_trigger v2';
COMMENT ON FUNCTION public.fill_profile_sso_identity() IS 'usersync profile_trigger v2';

-- Definer functions must not be callable through the API (Supabase grants EXECUTE
-- on new functions in public to anon and authenticated by default).
REVOKE EXECUTE ON FUNCTION public.create_user_profile() FROM PUBLIC, anon, authenticated;
REVOKE EXECUTE ON FUNCTION public.fill_profile_sso_identity() FROM PUBLIC, anon, authenticated;

CREATE OR REPLACE TRIGGER on_auth_user_created
    AFTER INSERT ON auth.users
    FOR EACH ROW EXECUTE FUNCTION public.create_user_profile();

CREATE OR REPLACE TRIGGER on_auth_identity_created
    AFTER INSERT ON auth.identities
    FOR EACH ROW EXECUTE FUNCTION public.fill_profile_sso_identity();
