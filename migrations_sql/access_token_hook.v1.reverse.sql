-- Reverse of access_token_hook.v1.sql. Disable the hook in Supabase Auth first: an
-- enabled hook whose function is gone fails every sign-in.
DROP FUNCTION IF EXISTS usersync.access_token_hook(jsonb);
DROP TABLE IF EXISTS usersync.access_token_hook_settings;
REVOKE USAGE ON SCHEMA usersync FROM supabase_auth_admin;
