-- Is the sign-in trigger on_auth_user_signed_in installed on auth.users, and enabled
-- ('D' = disabled)? One row, read beside usersync.profile_trigger_state (the sign-up
-- trigger's) by the status and by each health URL's one statement. A view of its own:
-- profile_trigger_state.v1 is released, and a view cannot lose columns when an
-- export re-runs v1 over a newer version.
CREATE OR REPLACE VIEW usersync.signin_trigger_state AS
SELECT EXISTS (
           SELECT FROM pg_trigger
            WHERE tgname = 'on_auth_user_signed_in' AND tgrelid = to_regclass('auth.users')
       ) AS signin_trigger_installed,
       EXISTS (
           SELECT FROM pg_trigger
            WHERE tgname = 'on_auth_user_signed_in' AND tgrelid = to_regclass('auth.users')
              AND tgenabled <> 'D'
       ) AS signin_trigger_enabled;

REVOKE ALL ON usersync.signin_trigger_state FROM PUBLIC, anon, authenticated;
