-- Reverse of profile_rules.v1.sql: the views, and the stored default role, which is no
-- data of its own (usersync writes USERSYNC_DEFAULT_ROLE there after every migrate).
DROP VIEW IF EXISTS usersync.profile_sync;
DROP VIEW IF EXISTS usersync.profile_defaults;
DROP FUNCTION IF EXISTS usersync.default_role();
DROP TABLE IF EXISTS usersync.profile_settings;
