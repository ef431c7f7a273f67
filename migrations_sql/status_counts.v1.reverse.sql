-- Reverse of status_counts.v1.sql: the stored count is only a copy, counted again on
-- the next GET /health.
DROP TABLE IF EXISTS usersync.status_counts;
