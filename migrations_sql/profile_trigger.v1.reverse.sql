-- Reverse of profile_trigger.v1.sql: the triggers and their functions only; no data.
DROP TRIGGER IF EXISTS on_auth_identity_created ON auth.identities;
DROP TRIGGER IF EXISTS on_auth_user_created ON auth.users;
DROP FUNCTION IF EXISTS public.fill_profile_sso_identity();
DROP FUNCTION IF EXISTS public.create_user_profile();
