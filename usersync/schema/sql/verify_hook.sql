-- The access token hook's state: the function (definer?, configuration, md5 of the
-- body, who may execute it), supabase_auth_admin's USAGE on schema usersync, and the
-- settings rows (NULL: no settings table).
SELECT p.oid IS NOT NULL AS present,
       coalesce(p.prosecdef, false) AS definer,
       coalesce(p.proconfig, '{}') AS config,
       md5(p.prosrc) AS body_md5,
       coalesce(has_function_privilege('supabase_auth_admin', p.oid, 'EXECUTE'), false)
           AS auth_admin_may_execute,
       array_remove(ARRAY[
           CASE WHEN p.proacl IS NULL OR EXISTS (
                     SELECT FROM aclexplode(p.proacl) a
                      WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE')
                THEN 'PUBLIC' END,
           CASE WHEN has_function_privilege('anon', p.oid, 'EXECUTE') THEN 'anon' END,
           CASE WHEN has_function_privilege('authenticated', p.oid, 'EXECUTE')
                THEN 'authenticated' END,
           CASE WHEN has_function_privilege('service_role', p.oid, 'EXECUTE')
                THEN 'service_role' END
       ], NULL) AS other_callers,
       has_schema_privilege('supabase_auth_admin', 'usersync', 'USAGE') AS auth_admin_schema_usage,
       CASE WHEN to_regclass('usersync.access_token_hook_settings') IS NOT NULL
            THEN (SELECT count(*) FROM usersync.access_token_hook_settings) END AS settings_rows
  FROM (SELECT to_regprocedure('usersync.access_token_hook(jsonb)') AS oid) f
  LEFT JOIN pg_proc p ON p.oid = f.oid
