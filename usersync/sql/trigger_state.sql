-- Is on_auth_user_created installed on auth.users, and enabled ('D' = disabled)?
-- And how many profile creations did the triggers fail to make, not yet repaired?
SELECT EXISTS (
           SELECT FROM pg_trigger
            WHERE tgname = 'on_auth_user_created' AND tgrelid = to_regclass('auth.users')
       ) AS trigger_installed,
       EXISTS (
           SELECT FROM pg_trigger
            WHERE tgname = 'on_auth_user_created' AND tgrelid = to_regclass('auth.users')
              AND tgenabled <> 'D'
       ) AS trigger_enabled,
       (SELECT count(*) FROM usersync.trigger_failures WHERE resolved_at IS NULL)
           AS trigger_failures
