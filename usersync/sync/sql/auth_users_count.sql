-- What a sync will scan: every auth user (soft-deleted ones too, to be skipped), counted
-- exactly, for the progress bar's total. At 1,000,000 users an index-only scan of
-- the primary key, a fraction of a second beside the minutes of the sync itself.
SELECT count(*) AS auth_users FROM auth.users
