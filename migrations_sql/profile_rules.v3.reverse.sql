-- Reverse of profile_rules.v3.sql: its functions and views go; the migration then
-- applies profile_rules.v2.sql again, which makes v2's views as they were.
DROP FUNCTION IF EXISTS usersync.fill_profiles(uuid[]);
DROP FUNCTION IF EXISTS usersync.create_profiles(uuid[]);
DROP VIEW IF EXISTS usersync.profile_resets;
DROP VIEW IF EXISTS usersync.profile_sync;
DROP VIEW IF EXISTS usersync.profile_defaults;
DROP VIEW IF EXISTS usersync.new_profiles;
DROP VIEW IF EXISTS usersync.user_accounts;
