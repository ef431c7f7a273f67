-- Dry run: how many profiles a sync would create, by the provider the user signed up
-- with as usersync.user_accounts shows it, most first.
SELECT a.provider, count(*) AS would_create
  FROM usersync.user_accounts a
 WHERE a.needs_profile
 GROUP BY 1
 ORDER BY 2 DESC, 1
