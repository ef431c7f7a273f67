-- Our functions: security definer?, configuration (search_path), md5 of the body, and
-- whether the API roles (or everyone) may execute them. Parameter: names (text[]).
SELECT n.name,
       p.oid IS NOT NULL,
       coalesce(p.prosecdef, false),
       coalesce(p.proconfig, '{}'),
       md5(p.prosrc),
       coalesce(has_function_privilege('anon', p.oid, 'EXECUTE'), false),
       coalesce(has_function_privilege('authenticated', p.oid, 'EXECUTE'), false),
       p.oid IS NOT NULL AND (p.proacl IS NULL OR EXISTS (
           SELECT FROM aclexplode(p.proacl) a
            WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE'))
  FROM unnest(%(names)s::text[]) AS n(name)
  LEFT JOIN pg_proc p ON p.oid = to_regprocedure(n.name)
 ORDER BY n.name
