-- Runs still marked running that do not hold the lease died without finishing (their
-- lease expired and was taken over). Parameter: run_id (the new lease holder).
UPDATE usersync.sync_runs
   SET status = 'interrupted', finished_at = now(),
       error = 'stopped without finishing; its lease expired'
 WHERE status = 'running' AND id <> %(run_id)s
