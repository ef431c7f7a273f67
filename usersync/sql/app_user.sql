-- Who a verified token's user is, for the application: the auth user and their
-- profile (NULL columns when they have none). Parameter: user_id.
SELECT u.id AS user_id, u.email, u.deleted_at,
       coalesce(u.banned_until > now(), false) AS banned,
       p.user_id IS NOT NULL AS has_profile, p.role, p.is_active, p.last_login
  FROM auth.users u
  LEFT JOIN public.user_profiles p ON p.user_id = u.id
 WHERE u.id = %(user_id)s
