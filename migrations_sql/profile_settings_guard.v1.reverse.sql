-- Back to profile_rules.v2's usersync.profile_settings: no admin role, no CHECK.
ALTER TABLE usersync.profile_settings
    DROP CONSTRAINT IF EXISTS profile_settings_default_role_not_admin;
ALTER TABLE usersync.profile_settings DROP COLUMN IF EXISTS admin_role;
