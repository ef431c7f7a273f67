-- Open transactions of other sessions in this database, as seen now: their start and
-- whether they hold a transaction id (they have written something).
SELECT pid, xact_start, clock_timestamp() - xact_start AS age, backend_xid IS NOT NULL AS writing
  FROM pg_stat_activity
 WHERE datname = current_database()
   AND pid <> pg_backend_pid()
   AND backend_type = 'client backend'
   AND xact_start IS NOT NULL
