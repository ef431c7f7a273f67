-- Reverse of access_token_hook.v2.sql (the migration then applies v1 again): the
-- failure records lose the claims column, the unrecorded-failure count goes.
DROP SEQUENCE IF EXISTS usersync.access_token_hook_unrecorded_failures;
ALTER TABLE usersync.trigger_failures DROP COLUMN IF EXISTS claims;
