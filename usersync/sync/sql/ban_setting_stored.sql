-- Whether usersync.profile_settings has its ban_in_supabase_auth column
-- (profile_rules.v5, migration 0018): before it, the setting is not written.
SELECT EXISTS (
    SELECT FROM pg_catalog.pg_attribute
     WHERE attrelid = to_regclass('usersync.profile_settings')
       AND attname = 'ban_in_supabase_auth'
       AND NOT attisdropped
) AS stored
