-- Open transactions in this database, as seen now, other than the benchmark's own
-- (its sign-ups and this watcher): their start and whether they hold a transaction id
-- (they have written something).
SELECT pid, xact_start, clock_timestamp() - xact_start AS age, backend_xid IS NOT NULL AS writing
  FROM pg_stat_activity
 WHERE datname = current_database()
   AND application_name <> 'usersync-bench'
   AND backend_type = 'client backend'
   AND xact_start IS NOT NULL
