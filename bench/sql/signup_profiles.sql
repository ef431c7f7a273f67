-- The profiles the trigger would have made for the demo's sign-ups (tagged 'signup' by
-- usersync's seed), made afterwards in one statement from the same rules
-- (usersync.profile_defaults, as public.create_user_profile() inserts them). The
-- legacy half stays without a profile. The caller has foreign key triggers off and
-- the table's indexes dropped (so no ON CONFLICT: the benchmark is the only writer).
INSERT INTO public.user_profiles (user_id, role, is_active, sso_provider, sso_user_id, last_login)
SELECT d.user_id, (SELECT usersync.default_role()), true, d.sso_provider, d.sso_user_id, d.last_login
  FROM usersync.profile_defaults d
 WHERE d.user_id IN (SELECT u.id
                       FROM auth.users u
                      WHERE u.raw_user_meta_data ->> 'usersync_demo' = 'signup')
   AND NOT EXISTS (SELECT FROM public.user_profiles p WHERE p.user_id = d.user_id)
