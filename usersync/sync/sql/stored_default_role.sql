-- The default role the database gives new profiles (run once usersync's tables exist).
SELECT usersync.default_role() AS default_role
