-- Staff acknowledge access token hook failures: the selected records, and the count of
-- those the hook could not record (usersync.access_token_hook_unrecorded_failures).
-- Parameter: ids. Returns: acknowledged, unrecorded (what the count was).
WITH acknowledged AS (
    UPDATE usersync.trigger_failures
       SET resolved_at = now()
     WHERE id = ANY(%(ids)s)
       AND source = 'access_token_hook'
       AND resolved_at IS NULL
    RETURNING 1
)
SELECT (SELECT count(*) FROM acknowledged) AS acknowledged,
       (SELECT CASE WHEN is_called THEN last_value ELSE 0 END
          FROM usersync.access_token_hook_unrecorded_failures) AS unrecorded,
       setval('usersync.access_token_hook_unrecorded_failures', 1, false) AS reset
