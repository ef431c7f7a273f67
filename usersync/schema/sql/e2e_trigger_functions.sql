-- verify_migration --e2e where the sign-up could not run as supabase_auth_admin: the
-- functions our triggers on auth tables run (the auth service fires those), with what
-- decides whose rights they run with. Parameter: names (trigger names, text[]).
SELECT t.tgname AS trigger_name,
       p.oid::regprocedure::text AS function_name,
       pg_get_userbyid(p.proowner) AS owner,
       p.prosecdef AS security_definer,
       coalesce(p.proconfig, '{}') AS config,
       p.prosrc AS body
  FROM pg_trigger t
  JOIN pg_proc p ON p.oid = t.tgfoid
  JOIN pg_class c ON c.oid = t.tgrelid
 WHERE NOT t.tgisinternal AND t.tgname = ANY(%(names)s::text[])
   AND c.relnamespace = 'auth'::regnamespace
 ORDER BY t.tgname;
