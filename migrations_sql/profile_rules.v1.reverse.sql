-- Reverse of profile_rules.v1.sql: the views only; no data.
DROP VIEW IF EXISTS usersync.profile_sync;
DROP VIEW IF EXISTS usersync.profile_defaults;
DROP FUNCTION IF EXISTS usersync.default_role();
DROP TABLE IF EXISTS usersync.profile_settings;
