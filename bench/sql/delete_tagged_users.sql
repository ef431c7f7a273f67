-- Remove the users of one seed call made for a benchmark (tagged 'legacy-<batch>').
-- Parameter: batch.
DELETE FROM auth.users WHERE raw_user_meta_data ->> 'usersync_demo' = 'legacy-' || %(batch)s
