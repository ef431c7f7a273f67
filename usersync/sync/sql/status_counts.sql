-- The sync state in two scans: the accounts (usersync.user_accounts: auth.users joined
-- to its profiles, and who needs a profile), and the profiles.
-- An orphan profile names no existing auth user (its user_id is NULL, or the foreign
-- key was dropped and the user deleted). The counts add up:
--   total_auth_users = eligible (deleted_at IS NULL) + soft_deleted_users
--   total_profiles = profiles_of_eligible_users + profiles_of_soft_deleted_users
--                    + orphan_profiles
--   missing_profiles = eligible - profiles_of_eligible_users
-- Deactivated in usersync (profiles with is_active false) is counted apart from banned
-- in Supabase Auth (banned_until in the future, whoever set it); ban_lifted_by_hand:
-- deactivated profiles whose user is not banned although usersync bans them (drift,
-- usersync.user_accounts; sync_users bans them again).
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
           count(*) FILTER (WHERE a.has_profile) AS profiles_with_user,
           count(*) FILTER (WHERE a.banned_in_supabase_auth) AS banned_users,
           count(*) FILTER (WHERE NOT a.profile_is_active) AS deactivated_profiles,
           count(*) FILTER (WHERE a.ban_lifted_by_hand) AS ban_lifted_by_hand
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
       users.banned_users,
       users.deactivated_profiles,
       users.ban_lifted_by_hand,
       statement_timestamp() AS measured_at
  FROM users, profiles
