-- Local Supabase stand-in: the auth service's role as Supabase makes it since its
-- migration 20260821154147 (supabase/postgres, 2026-08), without CREATEROLE. Run just
-- before the stand-in's first migration (supabase_standin.v1.sql, which creates the
-- role only when it is missing, with the attribute Supabase has since removed).
-- A role that exists already is never changed: its attributes are someone's choice. Only
-- where the stand-in will apply (no auth.users yet).
DO $roles$
BEGIN
    IF to_regclass('auth.users') IS NULL
       AND NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'supabase_auth_admin') THEN
        CREATE ROLE supabase_auth_admin LOGIN NOINHERIT NOCREATEROLE;
    END IF;
END
$roles$;
