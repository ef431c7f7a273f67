-- After a sync: a recorded trigger failure is repaired once its user has a profile
-- (with the SSO fields the failed trigger would have set), or is gone or soft-deleted.
-- Not the access token hook's: a token went out without usersync's claims, which no
-- profile made since undoes; staff acknowledge those in the admin.
UPDATE usersync.trigger_failures f
   SET resolved_at = now()
 WHERE f.resolved_at IS NULL
   AND f.source <> 'access_token_hook'
   AND (NOT EXISTS (SELECT FROM auth.users u WHERE u.id = f.user_id AND u.deleted_at IS NULL)
        OR EXISTS (SELECT FROM public.user_profiles p WHERE p.user_id = f.user_id))
