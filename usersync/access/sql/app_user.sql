-- Who a verified token's user is, for the application: the auth user and their
-- profile (NULL columns when they have none), and whether the token's session still
-- exists in auth.sessions, as theirs: one probe of its primary key (the session is
-- found by id, then its user compared, so the planner cannot walk the user's sessions
-- instead), in this same statement, so a signed-out token costs no extra round trip.
-- session_exists is true when session_id is NULL (not checked).
-- Parameters: user_id, session_id (uuid or NULL).
SELECT u.id AS user_id, u.email, u.deleted_at,
       coalesce(u.banned_until > now(), false) AS banned,
       p.user_id IS NOT NULL AS has_profile, p.role, p.is_active, p.last_login,
       (%(session_id)s::uuid IS NULL
        OR coalesce((SELECT s.user_id FROM auth.sessions s
                      WHERE s.id = %(session_id)s::uuid) = u.id, false)) AS session_exists
  FROM auth.users u
  LEFT JOIN public.user_profiles p ON p.user_id = u.id
 WHERE u.id = %(user_id)s
