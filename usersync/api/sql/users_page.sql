-- One page of the user-management API's list: each auth user with their profile
-- (usersync.user_accounts), in id order, after the last id of the previous page (keyset
-- pagination: the primary key index finds the page start, so page 10,000 costs what
-- page 1 does).
-- Parameters (NULL: no filter): after, role, active, missing_profile, email_like, limit.
-- Client-side parameter binding sends literals, so the planner folds unused filters away.
-- The account is read per user (OFFSET 0 keeps the subquery apart): joined whole, a
-- merge join would walk the profiles' index from its start on every deep page.
SELECT a.user_id AS id, a.email, a.phone, a.provider, a.profile_role AS role,
       a.profile_is_active AS is_active, a.last_sign_in_at, a.profile_last_login AS last_login,
       a.created_at, a.has_profile, a.deleted_at
  FROM auth.users u
 CROSS JOIN LATERAL (
       SELECT * FROM usersync.user_accounts a WHERE a.user_id = u.id OFFSET 0) a
 WHERE u.id > %(after)s
   AND (%(role)s::text IS NULL OR a.profile_role = %(role)s::text)
   AND (%(active)s::boolean IS NULL
        OR (a.has_profile AND (a.profile_is_active IS TRUE) = %(active)s::boolean))
   AND (%(missing_profile)s::boolean IS NULL
        OR (%(missing_profile)s::boolean AND a.needs_profile)
        OR (NOT %(missing_profile)s::boolean AND a.has_profile))
   AND (%(email_like)s::text IS NULL OR u.email ILIKE %(email_like)s::text)
 ORDER BY u.id
 LIMIT %(limit)s
