-- Reverse of profile_rules.v5.sql: its views go (they read the column this drops),
-- then the migration applies profile_rules.v4.sql again, which makes v4's views and
-- replaces v5's functions (same names and arguments) with v4's.
DROP VIEW IF EXISTS usersync.profile_resets;
DROP VIEW IF EXISTS usersync.profile_sync;
DROP VIEW IF EXISTS usersync.profile_defaults;
DROP VIEW IF EXISTS usersync.new_profiles;
DROP VIEW IF EXISTS usersync.user_accounts;
ALTER TABLE usersync.profile_settings DROP COLUMN IF EXISTS ban_in_supabase_auth;
