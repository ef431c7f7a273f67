-- The sync state in two scans: auth.users joined to its profiles, and the profiles.
-- Soft-deleted users (deleted_at set) get no profile and are not counted as missing.
-- An orphan profile names no existing auth user (its user_id is NULL, or the foreign
-- key was dropped and the user deleted). The counts add up:
--   total_auth_users = eligible (deleted_at IS NULL) + soft_deleted_users
--   total_profiles = profiles_of_eligible_users + profiles_of_soft_deleted_users
--                    + orphan_profiles
--   missing_profiles = eligible - profiles_of_eligible_users
-- measured_at: when these counts were taken (cached copies carry it).
WITH users AS (
    SELECT count(*) AS total_auth_users,
           count(*) FILTER (WHERE u.deleted_at IS NOT NULL) AS soft_deleted_users,
           count(*) FILTER (WHERE u.is_anonymous) AS anonymous_users,
           count(*) FILTER (WHERE u.deleted_at IS NULL AND p.user_id IS NULL) AS missing_profiles,
           count(p.user_id) FILTER (WHERE u.deleted_at IS NULL) AS profiles_of_eligible_users,
           count(p.user_id) FILTER (WHERE u.deleted_at IS NOT NULL)
               AS profiles_of_soft_deleted_users,
           count(p.user_id) AS profiles_with_user
      FROM auth.users u
      LEFT JOIN public.user_profiles p ON p.user_id = u.id
), profiles AS (
    SELECT count(*) AS total_profiles FROM public.user_profiles
)
SELECT users.total_auth_users,
       profiles.total_profiles,
       users.missing_profiles,
       profiles.total_profiles - users.profiles_with_user AS orphan_profiles,
       users.soft_deleted_users,
       users.anonymous_users,
       users.profiles_of_eligible_users,
       users.profiles_of_soft_deleted_users,
       statement_timestamp() AS measured_at
  FROM users, profiles
