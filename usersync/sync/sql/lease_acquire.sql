-- Take the one-sync-at-a-time lease for run_id, unless another run holds it and its
-- lease has not expired. Returns a row only when taken. Parameters: run_id, holder,
-- lease_seconds.
INSERT INTO usersync.sync_lease (singleton, run_id, holder, acquired_at, expires_at)
VALUES (true, %(run_id)s, %(holder)s, now(), now() + make_interval(secs => %(lease_seconds)s))
    ON CONFLICT (singleton) DO UPDATE
       SET run_id = EXCLUDED.run_id,
           holder = EXCLUDED.holder,
           acquired_at = EXCLUDED.acquired_at,
           expires_at = EXCLUDED.expires_at
     WHERE usersync.sync_lease.expires_at < now()
RETURNING run_id
