-- prune_logs: delete one batch of a log table's entries older than the cutoff, found
-- through its created_at index; one short transaction per batch.
-- {table} is one of a fixed list in usersync/retention.py.
-- Parameters: cutoff, batch_size. Returns the number deleted.
WITH doomed AS (
    SELECT id FROM public.{table}
     WHERE created_at < %(cutoff)s
     ORDER BY created_at
     LIMIT %(batch_size)s
)
DELETE FROM public.{table} t
 USING doomed
 WHERE t.id = doomed.id
