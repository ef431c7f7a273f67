-- Reverse of profile_trigger.v4.sql: the migration applies profile_trigger.v3.sql
-- again, which replaces both trigger functions (same names) with v3's.
SELECT 1;
