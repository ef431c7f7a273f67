-- Local Supabase stand-in, v2: the auth service's sessions and refresh tokens, with its
-- column names and types (supabase/auth migrations up to 20251111201300), so that ending
-- a user's sessions is exercised on the real shapes. A refresh token belongs to a
-- session and goes with it (ON DELETE CASCADE); a session goes with its user.
-- Not in the stand-in: auth.oauth_clients, so sessions.oauth_client_id has no foreign
-- key here. Applied only to the stand-in's own auth schema (its comment says so).

DO $standin$
BEGIN
    IF obj_description(to_regnamespace('auth'), 'pg_namespace')
       IS DISTINCT FROM 'usersync local Supabase stand-in v1' THEN
        RAISE NOTICE 'usersync: the auth schema is not the local stand-in; left as it is';
        RETURN;
    END IF;

    IF to_regtype('auth.aal_level') IS NULL THEN
        CREATE TYPE auth.aal_level AS ENUM ('aal1', 'aal2', 'aal3');
        ALTER TYPE auth.aal_level OWNER TO supabase_auth_admin;
    END IF;

    CREATE TABLE IF NOT EXISTS auth.sessions (
        id uuid NOT NULL,
        user_id uuid NOT NULL,
        created_at timestamptz NULL,
        updated_at timestamptz NULL,
        factor_id uuid NULL,
        aal auth.aal_level NULL,
        not_after timestamptz NULL,
        refreshed_at timestamp without time zone NULL,
        user_agent text NULL,
        ip inet NULL,
        tag text NULL,
        oauth_client_id uuid NULL,
        refresh_token_hmac_key text NULL,
        refresh_token_counter bigint NULL,
        scopes text NULL,
        CONSTRAINT sessions_pkey PRIMARY KEY (id),
        CONSTRAINT sessions_user_id_fkey FOREIGN KEY (user_id)
            REFERENCES auth.users (id) ON DELETE CASCADE,
        CONSTRAINT sessions_scopes_length CHECK (char_length(scopes) <= 4096)
    );
    CREATE INDEX IF NOT EXISTS sessions_user_id_idx ON auth.sessions (user_id);
    CREATE INDEX IF NOT EXISTS user_id_created_at_idx ON auth.sessions (user_id, created_at);
    CREATE INDEX IF NOT EXISTS sessions_not_after_idx ON auth.sessions (not_after DESC);
    CREATE INDEX IF NOT EXISTS sessions_oauth_client_id_idx ON auth.sessions (oauth_client_id);

    CREATE TABLE IF NOT EXISTS auth.refresh_tokens (
        instance_id uuid NULL,
        id bigserial NOT NULL,
        "token" varchar(255) NULL,
        user_id varchar(255) NULL,
        revoked bool NULL,
        created_at timestamptz NULL,
        updated_at timestamptz NULL,
        parent varchar(255) NULL,
        session_id uuid NULL,
        CONSTRAINT refresh_tokens_pkey PRIMARY KEY (id),
        CONSTRAINT refresh_tokens_token_unique UNIQUE ("token"),
        CONSTRAINT refresh_tokens_session_id_fkey FOREIGN KEY (session_id)
            REFERENCES auth.sessions (id) ON DELETE CASCADE
    );
    CREATE INDEX IF NOT EXISTS refresh_tokens_instance_id_idx
        ON auth.refresh_tokens (instance_id);
    CREATE INDEX IF NOT EXISTS refresh_tokens_instance_id_user_id_idx
        ON auth.refresh_tokens (instance_id, user_id);
    CREATE INDEX IF NOT EXISTS refresh_tokens_parent_idx ON auth.refresh_tokens (parent);
    CREATE INDEX IF NOT EXISTS refresh_tokens_session_id_revoked_idx
        ON auth.refresh_tokens (session_id, revoked);
    CREATE INDEX IF NOT EXISTS refresh_tokens_updated_at_idx
        ON auth.refresh_tokens (updated_at DESC);

    ALTER TABLE auth.sessions ENABLE ROW LEVEL SECURITY;
    ALTER TABLE auth.refresh_tokens ENABLE ROW LEVEL SECURITY;
    ALTER TABLE auth.sessions OWNER TO supabase_auth_admin;
    ALTER TABLE auth.refresh_tokens OWNER TO supabase_auth_admin;
    ALTER SEQUENCE auth.refresh_tokens_id_seq OWNER TO supabase_auth_admin;
    -- On Supabase, postgres holds every privilege on the tables the auth service creates.
    GRANT ALL ON auth.sessions, auth.refresh_tokens TO CURRENT_USER;
END
$standin$;
