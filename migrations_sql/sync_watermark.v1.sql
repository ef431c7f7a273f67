-- The incremental sync's watermark: at most one row, the snapshot of the last sync that
-- checked every auth user (or every row written since the watermark before it) and
-- completed. The next sync creates missing profiles with one anti-join over all users
-- and probes for fields to fill only the auth users, identities and profiles written by
-- transactions from `snapshot_xmin` on (their xmin): every other row was checked by
-- that sync and has not changed since.
-- A full check instead when the row is missing, older than
-- USERSYNC_FULL_SYNC_AFTER_SECONDS, far enough back in transaction ids that 32-bit xmin
-- comparisons could wrap, after a rewrite of a table (another relfilenode), or when the
-- profile rules (the comment on usersync.profile_sync) are another version.
-- Only a copy of what a sync saw: dropping it costs one full sync, never data.
CREATE TABLE IF NOT EXISTS usersync.sync_watermark (
    singleton BOOLEAN PRIMARY KEY DEFAULT true CHECK (singleton),
    run_id BIGINT NOT NULL,
    -- pg_snapshot_xmin() at the start of that sync, as a 64-bit transaction id (xid8).
    snapshot_xmin BIGINT NOT NULL,
    recorded_at TIMESTAMP WITH TIME ZONE NOT NULL,
    -- When the last full check began: an incremental sync keeps it.
    full_check_at TIMESTAMP WITH TIME ZONE NOT NULL,
    users_filenode BIGINT NOT NULL,
    identities_filenode BIGINT NOT NULL,
    profiles_filenode BIGINT NOT NULL,
    rules_version TEXT NOT NULL,
    -- The transactions of that sync's batches that wrote profiles (32-bit xids): the
    -- profiles it wrote were in step when written, so their xmin alone does not make
    -- the next sync probe them (a backfill's profiles would otherwise all be probed
    -- again the night after). Auth rows and identities written since still do.
    sync_xids JSONB NOT NULL DEFAULT '[]'
);
