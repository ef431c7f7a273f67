-- The quick health check: constant time at any number of users. The trigger from the
-- catalog, unrepaired trigger failures counted up to 1000 (a partial index), the
-- planner's row estimates (-1 while a table was never analysed), the stored exact count
-- with its age (NULLs while nothing was counted), and the most recent sync run that is
-- not still running (NULLs when there is none).
SELECT t.trigger_installed,
       t.trigger_enabled,
       signin.signin_trigger_installed,
       signin.signin_trigger_enabled,
       (SELECT count(*)
          FROM (SELECT FROM usersync.trigger_failures WHERE resolved_at IS NULL LIMIT 1000) f
       ) + (SELECT CASE WHEN is_called THEN last_value ELSE 0 END
              FROM usersync.access_token_hook_unrecorded_failures) AS trigger_failures,
       (SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass('auth.users'))
           AS estimated_auth_users,
       (SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass('public.user_profiles'))
           AS estimated_profiles,
       last_run.started_at AS last_sync_at,
       last_run.status AS last_sync_status,
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
  LEFT JOIN LATERAL (
           SELECT started_at, status
             FROM usersync.sync_runs
            WHERE status <> 'running'
            ORDER BY started_at DESC, id DESC
            LIMIT 1
       ) AS last_run ON true
  LEFT JOIN usersync.status_counts AS stored ON true
