-- A new sync run record. Parameters: preserve, batch_size, triggered_by, host, pid.
INSERT INTO usersync.sync_runs (preserve, batch_size, triggered_by, host, pid)
VALUES (%(preserve)s, %(batch_size)s, %(triggered_by)s, %(host)s, %(pid)s)
RETURNING id, started_at
