-- Is on_auth_user_created installed on auth.users, and enabled ('D' = disabled)? One
-- row, read by the status and by each health URL's one statement.
CREATE OR REPLACE VIEW usersync.profile_trigger_state AS
SELECT EXISTS (
           SELECT FROM pg_trigger
            WHERE tgname = 'on_auth_user_created' AND tgrelid = to_regclass('auth.users')
       ) AS trigger_installed,
       EXISTS (
           SELECT FROM pg_trigger
            WHERE tgname = 'on_auth_user_created' AND tgrelid = to_regclass('auth.users')
              AND tgenabled <> 'D'
       ) AS trigger_enabled;

REVOKE ALL ON usersync.profile_trigger_state FROM PUBLIC, anon, authenticated;
