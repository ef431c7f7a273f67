-- Whether the current role may undo an object that exists: its owner's rights (owner or
-- an inheriting member), which DROP, ALTER and CREATE OR REPLACE FUNCTION need; for
-- (re)creating a trigger, the TRIGGER privilege on its table is enough. On Supabase the
-- supautils extension lets its privileged role act as owner of the platform's objects.
SELECT owner::regrole::text AS owner,
       CASE WHEN %(kind)s = 'trigger' THEN has_table_privilege(to_regclass(%(name)s), 'TRIGGER')
            ELSE pg_has_role(current_user, owner, 'USAGE') END
       OR EXISTS (SELECT FROM pg_roles
                   WHERE rolname = current_setting('supautils.privileged_role', true)
                     AND pg_has_role(current_user, oid, 'USAGE')) AS held,
       current_user AS current_role
  FROM (SELECT CASE
                 WHEN %(kind)s IN ('relation', 'trigger') THEN
                     (SELECT relowner FROM pg_class WHERE oid = to_regclass(%(name)s))
                 WHEN %(kind)s = 'function' THEN
                     (SELECT proowner FROM pg_proc WHERE oid = to_regprocedure(%(name)s))
                 WHEN %(kind)s = 'schema' THEN
                     (SELECT nspowner FROM pg_namespace WHERE oid = to_regnamespace(%(name)s))
               END AS owner) AS object
 WHERE owner IS NOT NULL;
