-- Reverse of profile_trigger.v3.sql: the migration applies profile_trigger.v2.sql again,
-- whose functions replace v3's (the triggers themselves stay as they are).
SELECT 1;
