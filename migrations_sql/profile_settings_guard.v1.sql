-- The role of a new profile is never the admin role, whoever writes the setting. The
-- triggers, the access token hook and the sync give new profiles
-- usersync.default_role() (profile_rules.v2.sql); usersync stores USERSYNC_ADMIN_ROLE
-- beside it, and a CHECK refuses a default equal to it. Python refuses it too
-- (usersync.sync.defaults), since system checks do not run under gunicorn or a shell.

ALTER TABLE usersync.profile_settings
    ADD COLUMN IF NOT EXISTS admin_role varchar(50) NOT NULL DEFAULT 'admin';

-- An admin default stored before this version (by a process that ran no system checks)
-- goes back to the built-in default; after migrate usersync stores the configured one.
UPDATE usersync.profile_settings SET default_role = 'user' WHERE default_role = admin_role;

ALTER TABLE usersync.profile_settings
    DROP CONSTRAINT IF EXISTS profile_settings_default_role_not_admin;
ALTER TABLE usersync.profile_settings
    ADD CONSTRAINT profile_settings_default_role_not_admin CHECK (default_role <> admin_role);
