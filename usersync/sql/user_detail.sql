-- One user of the user-management API: the auth user and their profile, if any.
-- Parameter: user_id.
SELECT u.id, u.email, u.phone,
       CASE WHEN u.is_anonymous THEN 'anonymous'
            ELSE coalesce(u.raw_app_meta_data ->> 'provider', 'email') END AS provider,
       p.role, p.is_active, u.last_sign_in_at, p.last_login, u.created_at,
       p.user_id IS NOT NULL AS has_profile, u.deleted_at,
       u.is_anonymous, u.email_confirmed_at, p.deactivated_at, p.deactivated_by,
       p.deactivation_reason, p.sso_provider, p.sso_user_id,
       p.created_at AS profile_created_at, p.updated_at AS profile_updated_at
  FROM auth.users u
  LEFT JOIN public.user_profiles p ON p.user_id = u.id
 WHERE u.id = %(user_id)s
