-- Reverse of supabase_standin.v2.sql: only in the stand-in's own auth schema.
DO $reverse$
BEGIN
    IF obj_description(to_regnamespace('auth'), 'pg_namespace')
       IS DISTINCT FROM 'usersync local Supabase stand-in v1' THEN
        RAISE NOTICE 'usersync: the auth schema is not the local stand-in; left as it is';
        RETURN;
    END IF;
    DROP TABLE IF EXISTS auth.refresh_tokens;
    DROP TABLE IF EXISTS auth.sessions;
    DROP TYPE IF EXISTS auth.aal_level;
END
$reverse$;
