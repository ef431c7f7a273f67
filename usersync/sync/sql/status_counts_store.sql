-- Keeps a count of status_counts.sql, unless a newer one is already stored.
INSERT INTO usersync.status_counts AS stored (
    singleton, total_auth_users, total_profiles, missing_profiles, orphan_profiles,
    soft_deleted_users, anonymous_users, profiles_of_eligible_users,
    profiles_of_soft_deleted_users, banned_users, deactivated_profiles, ban_lifted_by_hand,
    measured_at, counted_in_seconds
) VALUES (
    true, %(total_auth_users)s, %(total_profiles)s, %(missing_profiles)s,
    %(orphan_profiles)s, %(soft_deleted_users)s, %(anonymous_users)s,
    %(profiles_of_eligible_users)s, %(profiles_of_soft_deleted_users)s, %(banned_users)s,
    %(deactivated_profiles)s, %(ban_lifted_by_hand)s, %(measured_at)s,
    %(counted_in_seconds)s
)
ON CONFLICT (singleton) DO UPDATE
   SET total_auth_users = EXCLUDED.total_auth_users,
       total_profiles = EXCLUDED.total_profiles,
       missing_profiles = EXCLUDED.missing_profiles,
       orphan_profiles = EXCLUDED.orphan_profiles,
       soft_deleted_users = EXCLUDED.soft_deleted_users,
       anonymous_users = EXCLUDED.anonymous_users,
       profiles_of_eligible_users = EXCLUDED.profiles_of_eligible_users,
       profiles_of_soft_deleted_users = EXCLUDED.profiles_of_soft_deleted_users,
       banned_users = EXCLUDED.banned_users,
       deactivated_profiles = EXCLUDED.deactivated_profiles,
       ban_lifted_by_hand = EXCLUDED.ban_lifted_by_hand,
       measured_at = EXCLUDED.measured_at,
       counted_in_seconds = EXCLUDED.counted_in_seconds
 WHERE stored.measured_at < EXCLUDED.measured_at
