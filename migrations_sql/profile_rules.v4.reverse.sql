-- Reverse of profile_rules.v4.sql: the migration applies profile_rules.v3.sql again,
-- which drops v4's views and makes v3's, and replaces v4's functions (same names and
-- arguments) with v3's.
SELECT 1;
