-- For each profile (of the named users, or all when user_ids is NULL): the values it
-- holds that --no-preserve would overwrite (usersync.profile_resets' `preserved`).
-- Parameters: user_ids (uuid[] or NULL), limit (rows listed; the summary always
-- counts everything).
SELECT r.user_id, a.email, r.preserved, count(*) OVER () AS total_with_data
  FROM usersync.profile_resets r
  JOIN usersync.user_accounts a ON a.user_id = r.user_id
 WHERE (%(user_ids)s::uuid[] IS NULL OR r.user_id = ANY (%(user_ids)s::uuid[]))
   AND r.preserved <> '{}'::jsonb
 ORDER BY r.user_id
 LIMIT %(limit)s
