-- The last exact count of users and profiles, shared by every web process. GET /health
-- reads it in its one statement and has it refreshed in the background once it is
-- older than USERSYNC_STATUS_CACHE_SECONDS (and than ten times the last count took): at
-- millions of users no request waits for a count that takes seconds, and all processes
-- together spend at most a tenth of the time counting.
-- The columns are those of the status counts; at most one row.
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
    measured_at TIMESTAMP WITH TIME ZONE NOT NULL,
    -- How long that count took: the next one waits at least ten times as long.
    counted_in_seconds DOUBLE PRECISION NOT NULL
);
