-- Reverse of profile_trigger_state.v1.sql.
DROP VIEW IF EXISTS usersync.profile_trigger_state;
