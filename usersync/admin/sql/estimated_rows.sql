-- The planner's estimate of a table's rows (no scan); -1 when never analysed.
-- Parameter: relation (a schema-qualified name).
SELECT reltuples::bigint AS estimated_rows FROM pg_class WHERE oid = to_regclass(%(relation)s)
