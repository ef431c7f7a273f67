-- After a sync: a recorded trigger failure is repaired once its user no longer needs
-- a profile (usersync.user_accounts): they have one (with the SSO fields the failed
-- trigger would have set), or are gone or soft-deleted.
UPDATE usersync.trigger_failures f
   SET resolved_at = now()
 WHERE f.resolved_at IS NULL
   AND NOT EXISTS (SELECT FROM usersync.user_accounts a
                    WHERE a.user_id = f.user_id AND a.needs_profile)
