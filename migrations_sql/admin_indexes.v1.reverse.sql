DROP INDEX IF EXISTS public.user_profiles_sso_provider_idx;
DROP INDEX IF EXISTS public.user_profiles_created_at_id_idx;
