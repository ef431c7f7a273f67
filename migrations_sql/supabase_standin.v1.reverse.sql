-- Reverse of supabase_standin.v1.sql. Drops the auth schema only when the stand-in
-- made it (its comment says so): a real Supabase auth schema is never touched.
-- The roles are kept: they belong to the whole server, and other databases on it
-- (the test database, for one) use them too.

DO $reverse$
BEGIN
    IF to_regnamespace('auth') IS NULL
       OR obj_description(to_regnamespace('auth'), 'pg_namespace')
          IS DISTINCT FROM 'usersync local Supabase stand-in v1' THEN
        RAISE NOTICE 'usersync: the auth schema is not the local stand-in; left as it is';
        RETURN;
    END IF;
    DROP SCHEMA auth CASCADE;
    ALTER DEFAULT PRIVILEGES FOR ROLE CURRENT_USER IN SCHEMA public
        REVOKE ALL ON TABLES FROM anon, authenticated, service_role;
    ALTER DEFAULT PRIVILEGES FOR ROLE CURRENT_USER IN SCHEMA public
        REVOKE ALL ON SEQUENCES FROM anon, authenticated, service_role;
    ALTER DEFAULT PRIVILEGES FOR ROLE CURRENT_USER IN SCHEMA public
        REVOKE ALL ON FUNCTIONS FROM anon, authenticated, service_role;
    REVOKE ALL ON SCHEMA public FROM anon, authenticated, service_role;
    GRANT USAGE ON SCHEMA public TO PUBLIC;
END
$reverse$;
