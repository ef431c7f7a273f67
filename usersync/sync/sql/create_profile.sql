-- One profile, made by hand: the given role and state, the rest from auth data
-- (usersync.new_profiles).
-- Returns nothing when a profile exists already (a concurrent sign-up or sync).
-- Parameters: user_id, role, is_active, reason.
INSERT INTO public.user_profiles
       (user_id, role, is_active, deactivated_at, deactivation_reason, sso_provider,
        sso_user_id, last_login)
SELECT d.user_id, %(role)s, %(is_active)s,
       CASE WHEN NOT %(is_active)s THEN now() END,
       CASE WHEN NOT %(is_active)s THEN %(reason)s END,
       d.sso_provider,
       d.sso_user_id,
       d.last_login
  FROM usersync.new_profiles d
 WHERE d.user_id = %(user_id)s
    ON CONFLICT (user_id) DO NOTHING
RETURNING id, user_id, role, is_active, deactivated_at, deactivation_reason, sso_provider,
          sso_user_id, last_login, created_at
