-- Reverse of signin_trigger.v1.sql: the trigger, then its function.
DROP TRIGGER IF EXISTS on_auth_user_signed_in ON auth.users;
DROP FUNCTION IF EXISTS public.sync_profile_last_login();
