-- The next `limit` users after `after` (by id) whose deactivated profile is not banned in
-- Supabase Auth although usersync bans deactivated users (usersync.user_accounts,
-- ban_lifted_by_hand), their profiles locked: a staff reactivation waits for the mend,
-- or the mend's next statement sees it. It starts from the profiles that are not active
-- (the partial index user_profiles_inactive_idx: few, whatever the number of users), the
-- only ones the rule can hold for. Parameters: after, limit. Returns: user_id.
SELECT p.user_id
  FROM public.user_profiles p
 WHERE p.is_active IS NOT TRUE
   AND p.user_id > %(after)s
   AND EXISTS (SELECT FROM usersync.user_accounts a
                WHERE a.user_id = p.user_id AND a.ban_lifted_by_hand)
 ORDER BY p.user_id
 LIMIT %(limit)s
   FOR UPDATE OF p
