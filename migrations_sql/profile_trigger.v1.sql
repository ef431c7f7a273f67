-- Automatic profile creation, v1: the on_auth_user_created trigger, made safe
-- for Supabase. The auth service inserts as supabase_auth_admin (search_path = auth,
-- no rights on public), so the functions are SECURITY DEFINER with an empty
-- search_path and schema-qualified names. A failure never fails the sign-up: it is
-- recorded in usersync.trigger_failures and the next sync repairs it.
-- Providers that are not single sign-on: email, phone and anonymous sign-ins.

CREATE OR REPLACE FUNCTION public.create_user_profile()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $function$
DECLARE
    provider text := NEW.raw_app_meta_data ->> 'provider';
BEGIN
    BEGIN
        INSERT INTO public.user_profiles (user_id, role, is_active, sso_provider)
        VALUES (
            NEW.id,
            'user',
            true,
            CASE WHEN provider NOT IN ('email', 'phone', 'anonymous') THEN left(provider, 50) END
        )
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

-- The provider's own user id lives in auth.identities, which the auth service writes
-- right after the user, in the same transaction.
CREATE OR REPLACE FUNCTION public.fill_profile_sso_identity()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $function$
BEGIN
    IF NEW.provider NOT IN ('email', 'phone', 'anonymous') THEN
        BEGIN
            UPDATE public.user_profiles
               SET sso_provider = coalesce(sso_provider, left(NEW.provider, 50)),
                   sso_user_id = coalesce(sso_user_id, left(NEW.provider_id, 255))
             WHERE user_id = NEW.user_id
               AND (sso_provider IS NULL OR sso_user_id IS NULL);
        EXCEPTION WHEN OTHERS THEN
            BEGIN
                INSERT INTO usersync.trigger_failures (user_id, source, sqlstate, message)
                VALUES (NEW.user_id, TG_NAME, SQLSTATE, left(SQLERRM, 1000));
            EXCEPTION WHEN OTHERS THEN
                RAISE WARNING 'usersync: no SSO identity on the profile of %', NEW.user_id;
            END;
        END;
    END IF;
    RETURN NEW;
END;
$function$;

COMMENT ON FUNCTION public.create_user_profile() IS 'usersync profile_trigger v1';
COMMENT ON FUNCTION public.fill_profile_sso_identity() IS 'usersync profile_trigger v1';

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
