-- One page of the user-management API's list: auth.users joined to their profiles,
-- in id order, after the last id of the previous page (keyset pagination: the primary
-- key index finds the page start, so page 10,000 costs what page 1 does).
-- Parameters (NULL: no filter): after, role, active, missing_profile, email_like, limit.
-- Client-side parameter binding sends literals, so the planner folds unused filters away.
-- `p.user_id > after` is implied by the join, but said: without it a merge join scans
-- the profiles index from its start on every deep page (0.5 s at a million users).
SELECT u.id, u.email, u.phone,
       CASE WHEN u.is_anonymous THEN 'anonymous'
            ELSE coalesce(u.raw_app_meta_data ->> 'provider', 'email') END AS provider,
       p.role, p.is_active, u.last_sign_in_at, p.last_login, u.created_at,
       p.user_id IS NOT NULL AS has_profile, u.deleted_at
  FROM auth.users u
  LEFT JOIN public.user_profiles p ON p.user_id = u.id AND p.user_id > %(after)s
 WHERE u.id > %(after)s
   AND (%(role)s::text IS NULL OR p.role = %(role)s::text)
   AND (%(active)s::boolean IS NULL
        OR (p.user_id IS NOT NULL AND (p.is_active IS TRUE) = %(active)s::boolean))
   AND (%(missing_profile)s::boolean IS NULL
        OR (%(missing_profile)s::boolean AND p.user_id IS NULL AND u.deleted_at IS NULL)
        OR (NOT %(missing_profile)s::boolean AND p.user_id IS NOT NULL))
   AND (%(email_like)s::text IS NULL OR u.email ILIKE %(email_like)s::text)
 ORDER BY u.id
 LIMIT %(limit)s
