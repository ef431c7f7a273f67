-- One email sign-up as Supabase Auth inserts it (connected as supabase_auth_admin,
-- whose search_path is auth). Parameters: id, email.
INSERT INTO auth.users (
    instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
    raw_app_meta_data, raw_user_meta_data, created_at, updated_at
) VALUES (
    '00000000-0000-0000-0000-000000000000', %(id)s, 'authenticated', 'authenticated',
    %(email)s, '$2a$10$bench.bench.bench.bench.bench.bench.bench.bench.be', now(),
    '{"provider": "email", "providers": ["email"]}', '{"usersync_bench": "sign-up"}',
    now(), now()
)
