-- One user of the user-management API: the auth user and their profile, if any
-- (usersync.user_accounts). Parameter: user_id.
SELECT a.user_id AS id, a.email, a.phone, a.provider, a.profile_role AS role,
       a.profile_is_active AS is_active, a.last_sign_in_at, a.profile_last_login AS last_login,
       a.created_at, a.has_profile, a.deleted_at,
       u.is_anonymous, u.email_confirmed_at, a.profile_deactivated_at AS deactivated_at,
       a.profile_deactivated_by AS deactivated_by,
       a.profile_deactivation_reason AS deactivation_reason,
       a.profile_sso_provider AS sso_provider, a.profile_sso_user_id AS sso_user_id,
       p.created_at AS profile_created_at, p.updated_at AS profile_updated_at
  FROM usersync.user_accounts a
  JOIN auth.users u ON u.id = a.user_id
  LEFT JOIN public.user_profiles p ON p.user_id = a.user_id
 WHERE a.user_id = %(user_id)s
