-- The session of the user's most recent recorded sign-in (index on user_id, created_at).
-- Parameter: user_id.
SELECT details ->> 'session_id' AS session_id
  FROM public.user_activity_log
 WHERE user_id = %(user_id)s AND activity_type = 'sign_in'
 ORDER BY created_at DESC
 LIMIT 1
