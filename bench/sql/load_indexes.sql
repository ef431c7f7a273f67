-- The indexes of the benchmark's tables that loading drops and builds again afterwards,
-- with the statement that builds each: every index and primary key or unique
-- constraint except those a foreign key relies on (auth.users' primary key), which
-- stay. Parameter: tables (regclass names, text[]).
SELECT n.nspname AS schema_name,
       t.relname AS table_name,
       c.relname AS index_name,
       k.conname AS constraint_name,
       coalesce(pg_get_constraintdef(k.oid), pg_get_indexdef(i.indexrelid)) AS definition
  FROM pg_index i
  JOIN pg_class c ON c.oid = i.indexrelid
  JOIN pg_class t ON t.oid = i.indrelid
  JOIN pg_namespace n ON n.oid = t.relnamespace
  LEFT JOIN pg_constraint k ON k.conindid = i.indexrelid AND k.contype IN ('p', 'u')
 WHERE i.indrelid = ANY (%(tables)s::regclass[])
   AND NOT EXISTS (SELECT FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = i.indexrelid)
 ORDER BY i.indrelid, k.conname IS NULL, c.relname
