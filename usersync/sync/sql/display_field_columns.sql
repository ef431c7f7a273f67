-- The type of each named column of public.user_profiles (NULL: no such column), as
-- format_type writes it. Parameter: columns (text[]).
SELECT c.name, format_type(a.atttypid, a.atttypmod) AS type
  FROM unnest(%(columns)s::text[]) AS c(name)
  LEFT JOIN pg_catalog.pg_attribute a
    ON a.attrelid = to_regclass('public.user_profiles')
   AND a.attname = c.name
   AND a.attnum > 0
   AND NOT a.attisdropped
 ORDER BY c.name
