-- Users the hook benchmark issues tokens for: a random sample of those with an active
-- profile (the common case; a missing profile would be created by the first call).
SELECT p.user_id
  FROM public.user_profiles p
 WHERE p.is_active
 ORDER BY random()
 LIMIT %(count)s
