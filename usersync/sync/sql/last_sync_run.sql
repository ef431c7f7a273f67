-- The most recent sync run that is not still running.
SELECT id, started_at, finished_at, status, created, filled, reset, batches, triggered_by,
       error
  FROM usersync.sync_runs
 WHERE status <> 'running'
 ORDER BY started_at DESC, id DESC
 LIMIT 1
