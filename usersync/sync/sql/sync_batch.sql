-- One batch of the sync, preserve mode: the auth users whose rows lie in the heap
-- between `first` and `stop` (a range of whole pages, read in physical order; for the
-- catch-up, also only the rows at `ctids`); create the profiles they need, as a new
-- profile is made (usersync.profile_sync), and fill NULLs from auth data without
-- changing any value that is set (usersync.fill_profiles).
-- ON CONFLICT covers a sign-up whose trigger made the profile while this batch ran.
-- Parameters: first, stop (tid), ctids (tid[] or NULL). Returns: scanned, created, filled,
-- and created_ids (the users whose profile this batch made: usersync.signals).
WITH batch AS (
    SELECT s.user_id, s.role, s.is_active, s.sso_provider, s.sso_user_id, s.last_login,
           s.creates, s.fills
      FROM usersync.profile_sync s
     WHERE s.user_ctid >= %(first)s::tid AND s.user_ctid < %(stop)s::tid
       AND (%(ctids)s::tid[] IS NULL OR s.user_ctid = ANY (%(ctids)s::tid[]))
), created AS (
    INSERT INTO public.user_profiles (user_id, role, is_active, sso_provider, sso_user_id, last_login)
    SELECT b.user_id, b.role, b.is_active, b.sso_provider, b.sso_user_id, b.last_login
      FROM batch b
     WHERE b.creates
        ON CONFLICT (user_id) DO NOTHING
    RETURNING user_id
), filled AS (
    SELECT f.user_id
      FROM usersync.fill_profiles(ARRAY(SELECT b.user_id FROM batch b WHERE b.fills)) AS f(user_id)
)
SELECT (SELECT count(*) FROM batch) AS scanned,
       (SELECT count(*) FROM created) AS created,
       (SELECT count(*) FROM filled) AS filled,
       ARRAY(SELECT c.user_id FROM created c) AS created_ids
