-- Write USERSYNC_DEFAULT_ROLE where the triggers, the hook and the sync read it
-- (usersync.default_role()). Parameter: role. Returns: changed (rows updated).
WITH stored AS (
    UPDATE usersync.profile_settings
       SET default_role = %(role)s
     WHERE default_role IS DISTINCT FROM %(role)s
    RETURNING 1
)
SELECT count(*) AS changed FROM stored
