-- One batch of the sync, preserve mode: the auth users whose rows lie in the heap
-- between `first` and `stop` (a range of whole pages, read in physical order; for the
-- catch-up, also only the rows at `ctids`); create the missing profiles (never for
-- soft-deleted users); fill NULLs from auth data without changing any value that is
-- set. What a new profile gets and what may be filled are usersync.profile_sync's rules
-- (migrations_sql/profile_rules.v2.sql).
-- ON CONFLICT covers a sign-up whose trigger made the profile while this batch ran.
-- Parameters: first, stop (tid), ctids (tid[] or NULL). Returns: scanned, created, filled.
WITH batch AS (
    SELECT s.user_id AS id, s.sso_provider, s.sso_user_id, s.last_login,
           s.creates, s.fills AS may_fill,
           s.profile_sso_provider, s.profile_sso_user_id, s.profile_last_login,
           s.filled_sso_provider, s.filled_sso_user_id, s.filled_last_login
      FROM usersync.profile_sync s
     WHERE s.user_ctid >= %(first)s::tid AND s.user_ctid < %(stop)s::tid
       AND (%(ctids)s::tid[] IS NULL OR s.user_ctid = ANY (%(ctids)s::tid[]))
), created AS (
    INSERT INTO public.user_profiles (user_id, role, is_active, sso_provider, sso_user_id, last_login)
    SELECT b.id, (SELECT usersync.default_role()), true, b.sso_provider, b.sso_user_id,
           b.last_login
      FROM batch b
     WHERE b.creates
        ON CONFLICT (user_id) DO NOTHING
    RETURNING user_id
), filled AS (
    -- Each group of fields (the SSO pair, last_login) only while it is as the batch read
    -- it: a concurrent edit is never overwritten, and the next run fills what it left.
    UPDATE public.user_profiles p
       SET (sso_provider, sso_user_id) = (
               SELECT CASE WHEN g.as_read THEN b.filled_sso_provider ELSE p.sso_provider END,
                      CASE WHEN g.as_read THEN b.filled_sso_user_id ELSE p.sso_user_id END
                 FROM (SELECT (p.sso_provider, p.sso_user_id) IS NOT DISTINCT FROM
                              (b.profile_sso_provider, b.profile_sso_user_id) AS as_read) g),
           last_login = CASE WHEN p.last_login IS NOT DISTINCT FROM b.profile_last_login
                             THEN b.filled_last_login ELSE p.last_login END
      FROM batch b
     WHERE p.user_id = b.id
       AND p.user_id = ANY (ARRAY(SELECT id FROM batch WHERE may_fill))
       AND ((p.sso_provider, p.sso_user_id) IS NOT DISTINCT FROM
                (b.profile_sso_provider, b.profile_sso_user_id)
            AND (p.sso_provider, p.sso_user_id) IS DISTINCT FROM
                (b.filled_sso_provider, b.filled_sso_user_id)
            OR p.last_login IS NOT DISTINCT FROM b.profile_last_login
            AND p.last_login IS DISTINCT FROM b.filled_last_login)
    RETURNING p.user_id
)
SELECT (SELECT count(*) FROM batch) AS scanned,
       (SELECT count(*) FROM created) AS created,
       (SELECT count(*) FROM filled) AS filled
