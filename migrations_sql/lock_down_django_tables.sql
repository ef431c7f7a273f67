-- Keeps Django's own tables (auth_user with password hashes, django_session, the
-- admin log, django_migrations, ...) away from Supabase's REST API: with Supabase's
-- default privileges every new table in public is granted to anon and authenticated.
-- Run after every `migrate` (Django may add tables later) for the tables named in
-- the transaction-local setting usersync.django_tables (comma-separated).
-- Only a Supabase database (one with auth.users) is served by the REST API; in any
-- other (e.g. the host's own database beside a Supabase one) this does nothing.
-- The owner (and Supabase's postgres, which has BYPASSRLS) is not restricted.
-- There is no reverse: reopening these tables to the API is never wanted.

DO $lockdown$
DECLARE
    table_name text;
    sequence_name text;
    api_roles text;
BEGIN
    IF to_regclass('auth.users') IS NULL THEN
        RETURN;
    END IF;
    SELECT string_agg(quote_ident(rolname), ', ')
      INTO api_roles
      FROM pg_roles WHERE rolname IN ('anon', 'authenticated');
    FOREACH table_name IN ARRAY string_to_array(current_setting('usersync.django_tables'), ',')
    LOOP
        CONTINUE WHEN to_regclass(format('public.%I', table_name)) IS NULL;
        EXECUTE format('ALTER TABLE public.%I ENABLE ROW LEVEL SECURITY', table_name);
        IF api_roles IS NOT NULL THEN
            EXECUTE format('REVOKE ALL ON public.%I FROM %s', table_name, api_roles);
            IF NOT EXISTS (
                SELECT FROM pg_policy
                 WHERE polrelid = format('public.%I', table_name)::regclass
                   AND polname = 'usersync_deny_api'
            ) THEN
                EXECUTE format(
                    'CREATE POLICY usersync_deny_api ON public.%I AS RESTRICTIVE FOR ALL '
                    'TO %s USING (false) WITH CHECK (false)', table_name, api_roles);
            END IF;
            FOR sequence_name IN
                SELECT s.oid::regclass::text
                  FROM pg_class s
                  JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.oid
                 WHERE s.relkind = 'S'
                   AND d.refobjid = format('public.%I', table_name)::regclass
            LOOP
                EXECUTE format('REVOKE ALL ON SEQUENCE %s FROM %s', sequence_name, api_roles);
            END LOOP;
        END IF;
    END LOOP;
END
$lockdown$;
