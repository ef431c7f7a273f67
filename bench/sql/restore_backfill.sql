-- Back to the starting state of a backfill: the demo's legacy users have no profile
-- again. Their profiles are the ones made after loading (the loaded ones, made for
-- the sign-ups, all date from the load): found through the profiles' created_at
-- index, without reading auth.users. Parameter: loaded_until, the latest created_at
-- of a loaded profile.
DELETE FROM public.user_profiles
 WHERE created_at > %(loaded_until)s
