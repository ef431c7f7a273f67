-- One profile, made by hand: the given role and state, SSO fields from auth data.
-- Returns nothing when a profile exists already (a concurrent sign-up or sync).
-- Parameters: user_id, role, is_active, reason.
INSERT INTO public.user_profiles
       (user_id, role, is_active, deactivated_at, deactivation_reason, sso_provider,
        sso_user_id, last_login)
SELECT u.id, %(role)s, %(is_active)s,
       CASE WHEN NOT %(is_active)s THEN now() END,
       CASE WHEN NOT %(is_active)s THEN %(reason)s END,
       s.sso_provider,
       (SELECT left(i.provider_id, 255)
          FROM auth.identities i
         WHERE i.user_id = u.id AND i.provider = s.sso_provider
         ORDER BY i.created_at, i.id
         LIMIT 1),
       u.last_sign_in_at
  FROM auth.users u
 CROSS JOIN LATERAL (
       SELECT CASE WHEN u.raw_app_meta_data ->> 'provider' NOT IN ('email', 'phone', 'anonymous')
                   THEN left(u.raw_app_meta_data ->> 'provider', 50) END AS sso_provider) s
 WHERE u.id = %(user_id)s
    ON CONFLICT (user_id) DO NOTHING
RETURNING id, user_id, role, is_active, deactivated_at, deactivation_reason, sso_provider,
          sso_user_id, last_login, created_at
