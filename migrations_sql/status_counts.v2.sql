-- The last exact count of users and profiles, shared by every web process. GET /health
-- reads it in its one statement and has it refreshed in the background once it is
-- older than USERSYNC_STATUS_CACHE_SECONDS (and than ten times the last count took): at
-- millions of users no request waits for a count that takes seconds, and all processes
-- together spend at most a tenth of the time counting.
-- The columns are those of the status counts; at most one row.
-- v2 (status_counts.v1.sql had the rest): the Supabase Auth ban beside usersync's
-- deactivation: users banned in Supabase Auth, deactivated profiles, and deactivated
-- profiles whose ban was lifted by hand (drift; profile_rules.v5.sql). A row stored by
-- v1 holds 0 for them until the next count.
CREATE TABLE IF NOT EXISTS usersync.status_counts (
    singleton BOOLEAN PRIMARY KEY DEFAULT true CHECK (singleton),
    total_auth_users BIGINT NOT NULL,
    total_profiles BIGINT NOT NULL,
    missing_profiles BIGINT NOT NULL,
    orphan_profiles BIGINT NOT NULL,
    soft_deleted_users BIGINT NOT NULL,
    anonymous_users BIGINT NOT NULL,
    profiles_of_eligible_users BIGINT NOT NULL,
    profiles_of_soft_deleted_users BIGINT NOT NULL,
    banned_users BIGINT NOT NULL DEFAULT 0,
    deactivated_profiles BIGINT NOT NULL DEFAULT 0,
    ban_lifted_by_hand BIGINT NOT NULL DEFAULT 0,
    measured_at TIMESTAMP WITH TIME ZONE NOT NULL,
    -- How long that count took: the next one waits at least ten times as long.
    counted_in_seconds DOUBLE PRECISION NOT NULL
);
ALTER TABLE usersync.status_counts ADD COLUMN IF NOT EXISTS banned_users BIGINT NOT NULL DEFAULT 0;
ALTER TABLE usersync.status_counts
    ADD COLUMN IF NOT EXISTS deactivated_profiles BIGINT NOT NULL DEFAULT 0;
ALTER TABLE usersync.status_counts
    ADD COLUMN IF NOT EXISTS ban_lifted_by_hand BIGINT NOT NULL DEFAULT 0;
