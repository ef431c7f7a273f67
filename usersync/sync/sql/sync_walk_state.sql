-- Where a sync's walk over auth.users stands: the heap's length in pages now, the file
-- that holds it (VACUUM FULL or CLUSTER write a new one, which moves every row), rows
-- per page as the statistics last saw them (NULL before the first ANALYZE), and the
-- oldest transaction whose rows this snapshot may not see: a row written from it on
-- may have been written behind the walk, so the catch-up looks at those.
SELECT (pg_relation_size('auth.users') / current_setting('block_size')::int)::bigint AS pages,
       pg_relation_filenode('auth.users') AS filenode,
       (SELECT c.reltuples / c.relpages
          FROM pg_class c
         WHERE c.oid = 'auth.users'::regclass AND c.relpages > 0 AND c.reltuples > 0)
           AS rows_per_page,
       mod(pg_snapshot_xmin(pg_current_snapshot())::text::numeric, 4294967296)::text
           AS oldest_xid
