-- What the staff admin benchmark opens: a user with a profile (their e-mail for the
-- search, their id for the person page), and the number of profiles (for a deep page).
SELECT u.id AS user_id, u.email,
       (SELECT c.reltuples::bigint FROM pg_class c
         WHERE c.oid = 'public.user_profiles'::regclass) AS profiles_estimate,
       (SELECT count(*) FROM auth.users) AS users,
       (SELECT count(*) FROM public.user_profiles) AS profiles
  FROM auth.users u
  JOIN public.user_profiles p ON p.user_id = u.id
 WHERE u.email IS NOT NULL
 ORDER BY p.created_at DESC
 LIMIT 1
