-- Demo data: "legacy" users signed up before the trigger existed, so they have no
-- profile. Parameter: batch (the seed call's tag).
DELETE FROM public.user_profiles p
 USING auth.users u
 WHERE u.id = p.user_id
   AND u.raw_user_meta_data ->> 'usersync_demo' = 'legacy-' || %(batch)s
