-- Back to the starting state of a backfill: the demo's legacy users (tagged 'legacy'
-- by usersync.contrib.supabase_local.demo_data.seed) have no profile again.
DELETE FROM public.user_profiles p
 USING auth.users u
 WHERE u.id = p.user_id
   AND u.raw_user_meta_data ->> 'usersync_demo' = 'legacy'
