-- The sync holding the lease now, if any, and how far it got: its run's counters are
-- updated in each batch's transaction. lease_expired: the holder stopped renewing it
-- (killed, or stuck in a batch) and the next sync may take over.
SELECT r.id AS run_id,
       l.holder,
       r.triggered_by,
       r.started_at,
       l.expires_at,
       l.expires_at < now() AS lease_expired,
       r.preserve,
       r.batch_size,
       r.batches,
       r.created,
       r.filled,
       r.reset
  FROM usersync.sync_lease l
  JOIN usersync.sync_runs r ON r.id = l.run_id
 WHERE r.status = 'running'
