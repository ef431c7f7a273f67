-- Users the session-check benchmark verifies tokens of, with one of their sessions: a
-- random sample of those with an active profile (the common case).
SELECT DISTINCT ON (p.user_id) p.user_id, s.id AS session_id
  FROM (SELECT user_id FROM public.user_profiles WHERE is_active
         ORDER BY random() LIMIT %(count)s) p
  JOIN auth.sessions s ON s.user_id = p.user_id
 ORDER BY p.user_id
