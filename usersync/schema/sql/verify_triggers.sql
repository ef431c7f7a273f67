-- Our triggers on the auth tables: definition and enabled state ('D' = disabled).
-- Parameter: names (text[] of 'table.trigger').
SELECT n.name, t.oid IS NOT NULL AS present, pg_get_triggerdef(t.oid) AS definition,
       coalesce(t.tgenabled <> 'D', false) AS enabled
  FROM unnest(%(names)s::text[]) AS n(name)
  LEFT JOIN pg_trigger t
         ON t.tgrelid = to_regclass(split_part(n.name, ':', 1))
        AND t.tgname = split_part(n.name, ':', 2)
 ORDER BY n.name
