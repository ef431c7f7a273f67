-- The end of a run: its status, and the lease released. Parameters: run_id, status, error.
WITH released AS (
    DELETE FROM usersync.sync_lease WHERE run_id = %(run_id)s
)
UPDATE usersync.sync_runs
   SET status = %(status)s, finished_at = now(), error = %(error)s
 WHERE id = %(run_id)s
RETURNING finished_at
