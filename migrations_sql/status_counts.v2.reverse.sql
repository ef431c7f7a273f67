-- Reverse of status_counts.v2.sql: v1's table, without the ban counts (a copy,
-- counted again on the next GET /health).
ALTER TABLE usersync.status_counts
    DROP COLUMN IF EXISTS banned_users,
    DROP COLUMN IF EXISTS deactivated_profiles,
    DROP COLUMN IF EXISTS ban_lifted_by_hand;
