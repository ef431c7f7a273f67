-- After each committed batch, in the batch's own transaction: the run's counters and
-- the lease's heartbeat. No lease row for this run means the lease expired and was
-- taken over: the caller aborts the batch. Parameters: run_id, created, filled, reset,
-- lease_seconds.
WITH lease AS (
    UPDATE usersync.sync_lease
       SET expires_at = now() + make_interval(secs => %(lease_seconds)s)
     WHERE run_id = %(run_id)s
    RETURNING run_id
)
UPDATE usersync.sync_runs r
   SET batches = r.batches + 1,
       created = r.created + %(created)s,
       filled = r.filled + %(filled)s,
       reset = r.reset + %(reset)s
  FROM lease
 WHERE r.id = lease.run_id
RETURNING r.id
