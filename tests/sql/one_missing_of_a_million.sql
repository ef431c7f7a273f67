-- 1,000,000 auth users, every one but the last with a profile, built set-based in a
-- few seconds. Triggers are off (session_replication_role = replica, as for the demo's
-- users from before the trigger), so on_auth_user_created creates no profile and the
-- foreign key is not checked row by row; the profiles are then inserted in one
-- statement, leaving out the last user. Ids and e-mails ascend, so that every index
-- grows at its end instead of at random pages (several times faster). Run in one
-- transaction.
SET LOCAL session_replication_role = replica;

INSERT INTO auth.users (id, aud, role, email, raw_app_meta_data, created_at, updated_at)
SELECT ('00000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid,
       'authenticated',
       'authenticated',
       'person' || lpad(n::text, 7, '0') || '@example.com',
       '{"provider": "email", "providers": ["email"]}'::jsonb,
       now(),
       now()
  FROM generate_series(1, 1000000) AS n;

INSERT INTO public.user_profiles (id, user_id)
SELECT u.id, u.id
  FROM auth.users u
 WHERE u.id <> ('00000000-0000-4000-8000-' || lpad(to_hex(1000000), 12, '0'))::uuid;

SET LOCAL session_replication_role = origin;
