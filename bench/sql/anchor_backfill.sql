-- The anchor: the fastest way to create every missing profile, one statement and one
-- transaction over the whole table, making exactly the rows the sync makes (the same
-- SSO provider, provider user id and last login). Not safe to run on a live project:
-- it holds its row locks until the end. Returns nothing; the row count is the result.
INSERT INTO public.user_profiles (user_id, role, is_active, sso_provider, sso_user_id, last_login)
SELECT u.user_id, (SELECT usersync.default_role()), true, u.sso_provider, u.sso_user_id, u.last_login
  FROM usersync.profile_defaults u
 WHERE u.deleted_at IS NULL
   AND NOT EXISTS (SELECT FROM public.user_profiles p WHERE p.user_id = u.user_id)
    ON CONFLICT (user_id) DO NOTHING
