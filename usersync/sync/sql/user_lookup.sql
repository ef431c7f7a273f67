-- One auth user and their profile, if any. Parameter: user_id.
SELECT u.id, u.email, u.deleted_at, p.role, p.is_active
  FROM auth.users u
  LEFT JOIN public.user_profiles p ON p.user_id = u.id
 WHERE u.id = %(user_id)s
