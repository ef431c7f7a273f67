-- The columns of a table: name, type, default, nullable ('YES'/'NO'). Parameter: table.
SELECT a.attname AS name,
       format_type(a.atttypid, a.atttypmod) AS type,
       pg_get_expr(d.adbin, d.adrelid) AS column_default,
       CASE WHEN a.attnotnull THEN 'NO' ELSE 'YES' END AS nullable
  FROM pg_attribute a
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
 WHERE a.attrelid = to_regclass(%(table)s) AND a.attnum > 0 AND NOT a.attisdropped
 ORDER BY a.attnum
