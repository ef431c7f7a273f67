-- Key constraints of a table (NOT NULL constraints, listed by PostgreSQL 18, left out).
-- Parameter: table.
SELECT pg_get_constraintdef(oid) AS definition
  FROM pg_constraint
 WHERE conrelid = to_regclass(%(table)s) AND contype IN ('p', 'u', 'f')
 ORDER BY 1
