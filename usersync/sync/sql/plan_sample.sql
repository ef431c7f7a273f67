-- Dry run: the first `limit` users after `after` (by id) who need a profile
-- (usersync.user_accounts), with the SSO fields it would get (usersync.new_profiles,
-- as the sync gives them); a longer list is read page by page from the last id shown.
-- Parameters: after, limit.
SELECT a.user_id, a.email, a.phone, a.provider, a.created_at, d.sso_provider, d.sso_user_id
  FROM usersync.user_accounts a
  JOIN usersync.new_profiles d ON d.user_id = a.user_id
 WHERE a.needs_profile
   AND a.user_id > %(after)s
 ORDER BY a.user_id
 LIMIT %(limit)s
