-- Write USERSYNC_DEFAULT_ROLE where the triggers, the hook and the sync read it
-- (usersync.default_role()), with USERSYNC_ADMIN_ROLE beside it: the table's CHECK
-- refuses a default equal to the admin role (profile_settings_guard.v1.sql).
-- Parameters: role, admin_role. Returns: changed (rows updated).
WITH stored AS (
    UPDATE usersync.profile_settings
       SET default_role = %(role)s, admin_role = %(admin_role)s
     WHERE (default_role, admin_role) IS DISTINCT FROM (%(role)s, %(admin_role)s)
    RETURNING 1
)
SELECT count(*) AS changed FROM stored
