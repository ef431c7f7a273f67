-- Reverse of profile_indexes.v1.sql: the full index of usersync_tables.v1 again.
DROP INDEX IF EXISTS public.user_profiles_deactivated_by_idx;
CREATE INDEX user_profiles_deactivated_by_idx ON public.user_profiles (deactivated_by);
DROP INDEX IF EXISTS public.user_profiles_inactive_idx;
