-- prune_logs --dry-run: how many entries of one log table are older than the cutoff.
-- {table} is one of a fixed list in usersync/retention.py. Parameter: cutoff.
SELECT count(*) FROM public.{table} WHERE created_at < %(cutoff)s
