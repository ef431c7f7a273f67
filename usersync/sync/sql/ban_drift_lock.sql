-- The next `limit` users after `after` (by id) whose deactivated profile is not banned in
-- Supabase Auth although usersync bans deactivated users (usersync.user_accounts,
-- ban_lifted_by_hand), their profiles locked: a staff reactivation waits for the mend,
-- or the mend's next statement sees it. Parameters: after, limit. Returns: user_id.
SELECT p.user_id
  FROM public.user_profiles p
 WHERE p.user_id IN (SELECT a.user_id
                       FROM usersync.user_accounts a
                      WHERE a.ban_lifted_by_hand
                        AND a.user_id > %(after)s
                      ORDER BY a.user_id
                      LIMIT %(limit)s)
 ORDER BY p.user_id
   FOR UPDATE OF p
