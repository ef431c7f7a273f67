-- The latest created_at of a profile made by loading: restore_backfill.sql deletes the
-- ones made after it.
SELECT max(created_at) AS loaded_until FROM public.user_profiles
