-- The sync state in two scans: the accounts (usersync.user_accounts: auth.users joined
-- to its profiles, and who needs a profile), and the profiles.
-- An orphan profile names no existing auth user (its user_id is NULL, or the foreign
-- key was dropped and the user deleted). The counts add up:
--   total_auth_users = eligible (deleted_at IS NULL) + soft_deleted_users
--   total_profiles = profiles_of_eligible_users + profiles_of_soft_deleted_users
--                    + orphan_profiles
--   missing_profiles = eligible - profiles_of_eligible_users
-- measured_at: when these counts were taken (cached copies carry it).
WITH users AS (
    SELECT count(*) AS total_auth_users,
           count(*) FILTER (WHERE a.deleted_at IS NOT NULL) AS soft_deleted_users,
           count(*) FILTER (WHERE a.is_anonymous) AS anonymous_users,
           count(*) FILTER (WHERE a.needs_profile) AS missing_profiles,
           count(*) FILTER (WHERE a.has_profile AND a.deleted_at IS NULL)
               AS profiles_of_eligible_users,
           count(*) FILTER (WHERE a.has_profile AND a.deleted_at IS NOT NULL)
               AS profiles_of_soft_deleted_users,
           count(*) FILTER (WHERE a.has_profile) AS profiles_with_user
      FROM usersync.user_accounts a
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
