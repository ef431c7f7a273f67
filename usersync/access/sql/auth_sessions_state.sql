-- Whether the database has Supabase Auth's sessions table, which the account query
-- (app_user.sql) reads to refuse signed-out tokens; and whether its auth schema is the
-- local stand-in, whose migrations create that table.
SELECT to_regclass('auth.users') IS NOT NULL AS has_auth_users,
       to_regclass('auth.sessions') IS NOT NULL AS has_sessions,
       coalesce(obj_description(to_regnamespace('auth'), 'pg_namespace')
                LIKE 'usersync local Supabase stand-in%', false) AS is_standin
