-- The sessions sessions_insert.sql made (the data set is left as it was found).
DELETE FROM auth.sessions WHERE user_agent = 'usersync-bench'
