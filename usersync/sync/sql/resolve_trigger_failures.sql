-- After a sync: a recorded trigger failure is repaired once its user no longer needs
-- a profile (usersync.user_accounts): they have one (with the SSO fields the failed
-- trigger would have set), or are gone or soft-deleted.
-- Not the access token hook's: a token went out without usersync's claims, which no
-- profile made since undoes; staff acknowledge those in the admin.
UPDATE usersync.trigger_failures f
   SET resolved_at = now()
 WHERE f.resolved_at IS NULL
   AND f.source <> 'access_token_hook'
   AND NOT EXISTS (SELECT FROM usersync.user_accounts a
                    WHERE a.user_id = f.user_id AND a.needs_profile)
