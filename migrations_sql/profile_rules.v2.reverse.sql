-- Reverse of profile_rules.v2.sql: the views lose the two columns v2 added, which only
-- dropping them can do; the migration then applies profile_rules.v1.sql again, which
-- makes them as v1 had them (the settings table and default_role() stay as they are).
DROP VIEW IF EXISTS usersync.profile_sync;
DROP VIEW IF EXISTS usersync.profile_defaults;
