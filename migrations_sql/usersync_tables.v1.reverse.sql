-- Reverse of usersync_tables.v1.sql. Django refuses to run it while user_profiles
-- holds rows unless USERSYNC_ALLOW_DATA_LOSS is set (usersync/migration_operations.py).
DROP SCHEMA IF EXISTS usersync CASCADE;
DROP TABLE IF EXISTS public.chat_error_log;
DROP TABLE IF EXISTS public.admin_audit_log;
DROP TABLE IF EXISTS public.user_activity_log;
DROP TABLE IF EXISTS public.user_profiles;
DROP FUNCTION IF EXISTS public.user_profiles_touch_updated_at();
