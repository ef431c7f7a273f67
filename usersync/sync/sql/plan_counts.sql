-- Dry run: what a preserve-mode sync would do, read-only. Profiles to create, and
-- existing profiles with a NULL that auth data would fill: usersync.profile_sync's
-- rules, the ones the sync applies.
SELECT count(*) FILTER (WHERE s.creates) AS would_create,
       count(*) FILTER (WHERE s.fills) AS would_fill
  FROM usersync.profile_sync s
