-- Whether usersync.profile_settings has its admin_role column (profile_settings_guard.v1,
-- migration 0014): before it, the stored default role is not written.
SELECT EXISTS (
    SELECT FROM pg_catalog.pg_attribute
     WHERE attrelid = to_regclass('usersync.profile_settings')
       AND attname = 'admin_role'
       AND NOT attisdropped
) AS guarded
