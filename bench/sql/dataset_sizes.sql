-- How much disk the data set takes: the whole database, and auth.users and
-- public.user_profiles with their indexes and TOAST.
SELECT pg_database_size(current_database()) AS database_bytes,
       pg_total_relation_size('auth.users') AS users_bytes,
       pg_total_relation_size('public.user_profiles') AS profiles_bytes
