-- Write USERSYNC_BAN_IN_SUPABASE_AUTH where usersync.user_accounts reads it (whether a
-- deactivated profile without a Supabase Auth ban is drift). Parameter: ban.
-- Returns: changed (rows updated).
WITH stored AS (
    UPDATE usersync.profile_settings
       SET ban_in_supabase_auth = %(ban)s
     WHERE ban_in_supabase_auth <> %(ban)s
    RETURNING 1
)
SELECT count(*) AS changed FROM stored
