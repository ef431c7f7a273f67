-- Reverse of sync_watermark.v1.sql: the watermark is only a copy of what a sync saw;
-- without it the next sync checks every auth user.
DROP TABLE IF EXISTS usersync.sync_watermark;
