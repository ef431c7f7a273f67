-- Dry run: how many profiles a sync would create, by the provider the user signed up
-- with (the providers of plan_sample.sql), most first.
SELECT CASE WHEN u.is_anonymous THEN 'anonymous'
            ELSE coalesce(u.raw_app_meta_data ->> 'provider', 'email') END AS provider,
       count(*) AS would_create
  FROM auth.users u
 WHERE u.deleted_at IS NULL
   AND NOT EXISTS (SELECT FROM public.user_profiles p WHERE p.user_id = u.id)
 GROUP BY 1
 ORDER BY 2 DESC, 1
