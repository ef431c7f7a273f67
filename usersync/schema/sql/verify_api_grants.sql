-- Table privileges the API roles hold on the given tables. Parameter: names (text[]).
SELECT n.name, r.role, array_agg(p.privilege ORDER BY p.privilege) AS privileges
  FROM unnest(%(names)s::text[]) AS n(name)
 CROSS JOIN unnest(ARRAY['anon', 'authenticated']) AS r(role)
 CROSS JOIN unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES',
                         'TRIGGER']) AS p(privilege)
 WHERE to_regclass(n.name) IS NOT NULL
   AND EXISTS (SELECT FROM pg_roles WHERE rolname = r.role)
   AND has_table_privilege(r.role, to_regclass(n.name), p.privilege)
 GROUP BY n.name, r.role
 ORDER BY n.name, r.role
