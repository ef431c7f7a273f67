-- For each profile (of the named users, or all when user_ids is NULL): the fields
-- whose values differ from what a new profile would get, i.e. what --no-preserve would
-- overwrite. last_login is never reset and so never at risk. Parameters: user_ids
-- (uuid[] or NULL), limit (rows listed; the summary always counts everything).
WITH profiles AS (
    SELECT p.user_id, u.email, p.role, p.is_active, p.deactivated_at, p.deactivated_by,
           p.deactivation_reason, p.sso_provider, p.sso_user_id,
           d.sso_provider AS default_sso_provider,
           (SELECT left(i.provider_id, 255)
              FROM auth.identities i
             WHERE i.user_id = p.user_id AND i.provider = d.sso_provider
             ORDER BY i.created_at, i.id
             LIMIT 1) AS default_sso_user_id
      FROM public.user_profiles p
      LEFT JOIN auth.users u ON u.id = p.user_id
     CROSS JOIN LATERAL (
           SELECT CASE WHEN u.raw_app_meta_data ->> 'provider'
                            NOT IN ('email', 'phone', 'anonymous')
                       THEN left(u.raw_app_meta_data ->> 'provider', 50) END AS sso_provider) d
     WHERE %(user_ids)s::uuid[] IS NULL OR p.user_id = ANY (%(user_ids)s::uuid[])
), differences AS (
    SELECT user_id, email,
           jsonb_strip_nulls(jsonb_build_object(
               'role', CASE WHEN role IS DISTINCT FROM 'user' THEN to_jsonb(role) END,
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
