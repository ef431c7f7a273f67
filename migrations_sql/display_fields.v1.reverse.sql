-- Reverse of display_fields.v1.sql: the trigger and both functions go; the columns the
-- host added stay (its own migrations own them). The sign-up trigger stops calling
-- fill_display_fields first (profile_trigger.v4's reverse re-applies v3).
DROP TRIGGER IF EXISTS on_auth_user_display_changed ON auth.users;
DROP FUNCTION IF EXISTS public.sync_profile_display_fields();
DROP FUNCTION IF EXISTS usersync.fill_display_fields(uuid[]);
