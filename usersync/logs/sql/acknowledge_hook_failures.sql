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
), counted AS (
    SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS unrecorded
      FROM usersync.access_token_hook_unrecorded_failures
), reset AS (
    -- Read first (counted), then reset.
    SELECT setval('usersync.access_token_hook_unrecorded_failures', 1, false)
      FROM counted
)
SELECT (SELECT count(*) FROM acknowledged) AS acknowledged,
       (SELECT unrecorded FROM counted) AS unrecorded
  FROM reset
