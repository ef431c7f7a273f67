-- Reverse of profile_rules.v1.sql: the views only; no data.
DROP VIEW IF EXISTS usersync.profile_sync;
DROP VIEW IF EXISTS usersync.profile_defaults;
