-- For each profile (of the named users, or all when user_ids is NULL): the fields
-- whose values differ from what a new profile would get (usersync.profile_defaults),
-- i.e. what --no-preserve would overwrite. last_login is never reset and so never at risk. Parameters: user_ids
-- (uuid[] or NULL), limit (rows listed; the summary always counts everything).
WITH profiles AS (
    SELECT p.user_id, u.email, p.role, p.is_active, p.deactivated_at, p.deactivated_by,
           p.deactivation_reason, p.sso_provider, p.sso_user_id,
           d.sso_provider AS default_sso_provider,
           d.sso_user_id AS default_sso_user_id
      FROM public.user_profiles p
      LEFT JOIN auth.users u ON u.id = p.user_id
      LEFT JOIN usersync.profile_defaults d ON d.user_id = p.user_id
     WHERE %(user_ids)s::uuid[] IS NULL OR p.user_id = ANY (%(user_ids)s::uuid[])
), differences AS (
    SELECT user_id, email,
           jsonb_strip_nulls(jsonb_build_object(
               'role', CASE WHEN role IS DISTINCT FROM (SELECT usersync.default_role())
                            THEN to_jsonb(role) END,
               'is_active', CASE WHEN is_active IS DISTINCT FROM true
                                 THEN coalesce(to_jsonb(is_active), 'null'::jsonb) END,
               'deactivated_at', to_jsonb(deactivated_at),
               'deactivated_by', to_jsonb(deactivated_by),
               'deactivation_reason', to_jsonb(deactivation_reason),
               'sso_provider', CASE WHEN sso_provider IS DISTINCT FROM default_sso_provider
                                    THEN coalesce(to_jsonb(sso_provider), 'null'::jsonb) END,
               'sso_user_id', CASE WHEN sso_user_id IS DISTINCT FROM default_sso_user_id
                                   THEN coalesce(to_jsonb(sso_user_id), 'null'::jsonb) END
           )) AS preserved
      FROM profiles
)
SELECT user_id, email, preserved, count(*) OVER () AS total_with_data
  FROM differences
 WHERE preserved <> '{}'::jsonb
 ORDER BY user_id
 LIMIT %(limit)s
