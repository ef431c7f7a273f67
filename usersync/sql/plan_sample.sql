-- Dry run: the first `limit` users after `after` (by id) who would get a profile, with
-- the SSO fields it would get (usersync.profile_defaults, as the sync gives them); a
-- longer list is read page by page from the last id shown. Parameters: after, limit.
SELECT u.id AS user_id, u.email, u.phone,
       CASE WHEN u.is_anonymous THEN 'anonymous'
            ELSE coalesce(u.raw_app_meta_data ->> 'provider', 'email') END AS provider,
       u.created_at,
       d.sso_provider,
       d.sso_user_id
  FROM auth.users u
  JOIN usersync.profile_defaults d ON d.user_id = u.id
 WHERE u.deleted_at IS NULL
   AND u.id > %(after)s
   AND NOT EXISTS (SELECT FROM public.user_profiles p WHERE p.user_id = u.id)
 ORDER BY u.id
 LIMIT %(limit)s
