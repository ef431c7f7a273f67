-- Which of the expected relations exist, and whether row level security is on.
-- Parameter: names (text[] of schema-qualified names).
SELECT n.name, c.oid IS NOT NULL AS present, coalesce(c.relrowsecurity, false) AS rls
  FROM unnest(%(names)s::text[]) AS n(name)
  LEFT JOIN pg_class c ON c.oid = to_regclass(n.name)
 ORDER BY n.name
