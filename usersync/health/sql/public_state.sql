-- GET /health in one statement: the trigger (usersync.profile_trigger_state) and the
-- stored count of users and profiles, with its age by the database's clock (NULLs
-- while nothing was counted yet).
SELECT t.trigger_installed,
       t.trigger_enabled,
       signin.signin_trigger_installed,
       signin.signin_trigger_enabled,
       (SELECT count(*) FROM usersync.trigger_failures WHERE resolved_at IS NULL)
       -- and the access token hook's failures it could not record (access_token_hook.v2)
       + (SELECT CASE WHEN is_called THEN last_value ELSE 0 END
            FROM usersync.access_token_hook_unrecorded_failures)
           AS trigger_failures,
       stored.total_auth_users,
       stored.total_profiles,
       stored.missing_profiles,
       stored.orphan_profiles,
       stored.soft_deleted_users,
       stored.anonymous_users,
       stored.profiles_of_eligible_users,
       stored.profiles_of_soft_deleted_users,
       stored.banned_users,
       stored.deactivated_profiles,
       stored.ban_lifted_by_hand,
       stored.measured_at,
       stored.counted_in_seconds,
       extract(epoch FROM statement_timestamp() - stored.measured_at) AS counts_age_seconds
  FROM usersync.profile_trigger_state t
 CROSS JOIN usersync.signin_trigger_state signin
  LEFT JOIN usersync.status_counts AS stored ON true
