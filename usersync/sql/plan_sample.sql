-- Dry run: the first `limit` users (by id) who would get a profile.
SELECT u.id AS user_id, u.email, u.phone,
       CASE WHEN u.is_anonymous THEN 'anonymous'
            ELSE coalesce(u.raw_app_meta_data ->> 'provider', 'email') END AS provider,
       u.created_at
  FROM auth.users u
 WHERE u.deleted_at IS NULL
   AND NOT EXISTS (SELECT FROM public.user_profiles p WHERE p.user_id = u.id)
 ORDER BY u.id
 LIMIT %(limit)s
