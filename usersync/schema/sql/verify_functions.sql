-- Our functions: security definer?, configuration (search_path), md5 of the body, and
-- whether the API roles (or everyone) may execute them. Parameter: names (text[]).
SELECT n.name,
       p.oid IS NOT NULL AS present,
       coalesce(p.prosecdef, false) AS security_definer,
       coalesce(p.proconfig, '{}') AS config,
       md5(p.prosrc) AS body_md5,
       coalesce(has_function_privilege('anon', p.oid, 'EXECUTE'), false) AS anon,
       coalesce(has_function_privilege('authenticated', p.oid, 'EXECUTE'), false)
           AS authenticated,
       p.oid IS NOT NULL AND (p.proacl IS NULL OR EXISTS (
           SELECT FROM aclexplode(p.proacl) a
            WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE')) AS public
  FROM unnest(%(names)s::text[]) AS n(name)
  LEFT JOIN pg_proc p ON p.oid = to_regprocedure(n.name)
 ORDER BY n.name
