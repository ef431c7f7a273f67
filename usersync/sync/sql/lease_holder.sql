-- Who holds the sync lease now (run, holder, start, expiry), if anyone.
SELECT l.run_id, l.holder, r.started_at, l.expires_at, r.triggered_by
  FROM usersync.sync_lease l
  LEFT JOIN usersync.sync_runs r ON r.id = l.run_id
