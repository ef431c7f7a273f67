-- Demo sign-ups, inserted the way Supabase Auth does it (the caller has SET ROLE
-- supabase_auth_admin): the user row, then its identity, in one transaction. The
-- provider mix is what a real project sees: mostly email, then OAuth, SAML SSO, phone
-- and anonymous sign-ins. Parameters: count, seed (-1..1), deleted_count (exactly that
-- many of them are soft-deleted),
-- kind ('signup', or 'legacy' for users from before the trigger, whom the caller
-- inserts with triggers off), first_names and last_names (text[]): people's names,
-- combined at random; the e-mail adds a number from auth.usersync_demo_numbers, so
-- it stays unique at any scale.
WITH params AS (
    -- Demo phone numbers follow the highest one already there: unique at any scale
    -- (random 7-digit ones collide from about ten thousand phone users on). Same
    -- length, so the text maximum is the numeric one, read from the phone index.
    SELECT setseed(%(seed)s) AS seeded,
           coalesce((SELECT substr(max(phone), 5)::bigint
                       FROM auth.users
                      WHERE phone ~ '^1555[0-9]{10}$'), 0) AS last_phone
), drawn AS (
    SELECT gen_random_uuid() AS id,
           n,
           params.last_phone + n AS phone_number,
           nextval('auth.usersync_demo_numbers') AS person_number,
           (%(first_names)s::text[])[1 + floor(random() * cardinality(%(first_names)s::text[]))::int]
               AS first_name,
           (%(last_names)s::text[])[1 + floor(random() * cardinality(%(last_names)s::text[]))::int]
               AS last_name,
           random() AS pick,
           random() AS signed_in_draw,
           now() - make_interval(days => (random() * 700)::int) AS created_at
      FROM params, generate_series(1, %(count)s) AS n
), users AS (
    SELECT d.*,
           CASE
               WHEN pick < 0.55 THEN 'email'
               WHEN pick < 0.70 THEN 'google'
               WHEN pick < 0.80 THEN 'github'
               WHEN pick < 0.85 THEN 'sso:7b1ac6a2-4a38-4a4e-9d5e-1f0c2d3e4f50'
               WHEN pick < 0.90 THEN 'phone'
               ELSE 'anonymous'
           END AS provider
      FROM drawn d
), inserted AS (
    INSERT INTO auth.users (
        instance_id, id, aud, role, email, phone, encrypted_password, email_confirmed_at,
        phone_confirmed_at, last_sign_in_at, raw_app_meta_data, raw_user_meta_data,
        created_at, updated_at, is_sso_user, is_anonymous, deleted_at
    )
    SELECT '00000000-0000-0000-0000-000000000000'::uuid,
           u.id,
           'authenticated',
           'authenticated',
           CASE WHEN u.provider IN ('phone', 'anonymous') THEN NULL
                ELSE lower(u.first_name || '.' || u.last_name || '.' || u.person_number)
                     || '@example.' || (ARRAY['com', 'org', 'net'])[1 + u.person_number %% 3] END,
           CASE WHEN u.provider = 'phone'
                THEN '1555' || lpad(u.phone_number::text, 10, '0') END,
           CASE WHEN u.provider = 'email' THEN '$2a$10$demo.demo.demo.demo.demo.demo.demo.demo.demo.' END,
           CASE WHEN u.provider NOT IN ('phone', 'anonymous') THEN u.created_at END,
           CASE WHEN u.provider = 'phone' THEN u.created_at END,
           CASE WHEN u.signed_in_draw < 0.8 THEN u.created_at + interval '1 hour' END,
           CASE WHEN u.provider = 'anonymous' THEN '{}'::jsonb
                ELSE jsonb_build_object('provider', u.provider,
                                        'providers', jsonb_build_array(u.provider)) END,
           CASE WHEN u.provider = 'anonymous'
                THEN jsonb_build_object('usersync_demo', %(kind)s::text)
                ELSE jsonb_build_object('usersync_demo', %(kind)s::text,
                                        'full_name', u.first_name || ' ' || u.last_name) END,
           u.created_at,
           u.created_at,
           u.provider LIKE 'sso:%%',
           u.provider = 'anonymous',
           CASE WHEN u.n <= %(deleted_count)s THEN now() END
      FROM users u
    RETURNING id, email, phone, raw_app_meta_data ->> 'provider' AS provider, created_at
)
INSERT INTO auth.identities (provider_id, user_id, identity_data, provider, created_at, updated_at)
SELECT CASE WHEN i.provider IN ('email', 'phone') THEN i.id::text
            ELSE i.provider || '-' || left(md5(i.id::text), 12) END,
       i.id,
       jsonb_strip_nulls(jsonb_build_object('sub', i.id::text, 'email', i.email, 'phone', i.phone)),
       i.provider,
       i.created_at,
       i.created_at
  FROM inserted i
 WHERE i.provider IS NOT NULL
