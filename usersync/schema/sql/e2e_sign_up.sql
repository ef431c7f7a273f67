-- verify_migration --e2e: a GitHub sign-up's user row, as Supabase Auth writes it.
-- Rolled back by the caller. Parameter: user_id.
INSERT INTO auth.users (instance_id, id, aud, role, email, raw_app_meta_data,
                        raw_user_meta_data, created_at, updated_at)
VALUES ('00000000-0000-0000-0000-000000000000', %(user_id)s, 'authenticated',
        'authenticated', 'usersync-e2e-' || %(user_id)s || '@example.invalid',
        '{"provider": "github", "providers": ["github"]}', '{}', now(), now())
