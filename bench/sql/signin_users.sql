-- Users who sign in during the sign-in benchmark: ones with a profile (the trigger
-- moves its last_login), spread over the table. Parameters: count.
SELECT u.id
  FROM auth.users u
  JOIN public.user_profiles p ON p.user_id = u.id
 WHERE u.deleted_at IS NULL
 ORDER BY md5(u.id::text)
 LIMIT %(count)s
