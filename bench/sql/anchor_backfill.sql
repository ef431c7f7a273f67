-- The anchor: the fastest way to create every missing profile, one statement and one
-- transaction over the whole table, making exactly the rows the sync makes (the same
-- SSO provider, provider user id and last login). Not safe to run on a live project:
-- it holds its row locks until the end. Returns nothing; the row count is the result.
INSERT INTO public.user_profiles (user_id, role, is_active, sso_provider, sso_user_id, last_login)
SELECT u.id, 'user', true, s.sso_provider,
       CASE WHEN s.sso_provider IS NOT NULL THEN
           (SELECT left(i.provider_id, 255)
              FROM auth.identities i
             WHERE i.user_id = u.id AND i.provider = s.sso_provider
             ORDER BY i.created_at, i.id
             LIMIT 1)
       END,
       u.last_sign_in_at
  FROM auth.users u
 CROSS JOIN LATERAL (
       SELECT CASE WHEN u.raw_app_meta_data ->> 'provider' NOT IN ('email', 'phone', 'anonymous')
                   THEN left(u.raw_app_meta_data ->> 'provider', 50) END AS sso_provider
       ) s
 WHERE u.deleted_at IS NULL
   AND NOT EXISTS (SELECT FROM public.user_profiles p WHERE p.user_id = u.id)
    ON CONFLICT (user_id) DO NOTHING
