-- The bodies of the functions that a trigger function's body calls by their
-- schema-qualified name (to_regproc finds those with one signature), with whether the
-- trigger function's owner may execute each. Parameters: names (text[]), owner.
SELECT n.name, p.prosrc AS body,
       has_function_privilege(%(owner)s, p.oid, 'EXECUTE') AS executable
  FROM unnest(%(names)s::text[]) AS n(name)
  JOIN pg_proc p ON p.oid = to_regproc(n.name)
