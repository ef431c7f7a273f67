-- After a sync: a recorded trigger failure is repaired once its user has a profile
-- (with the SSO fields the failed trigger would have set), or is gone or soft-deleted.
UPDATE usersync.trigger_failures f
   SET resolved_at = now()
 WHERE f.resolved_at IS NULL
   AND (NOT EXISTS (SELECT FROM auth.users u WHERE u.id = f.user_id AND u.deleted_at IS NULL)
        OR EXISTS (SELECT FROM public.user_profiles p WHERE p.user_id = f.user_id))
