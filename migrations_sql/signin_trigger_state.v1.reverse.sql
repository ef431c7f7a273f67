-- Reverse of signin_trigger_state.v1.sql.
DROP VIEW IF EXISTS usersync.signin_trigger_state;
