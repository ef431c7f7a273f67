-- Only one process counts at a time: the others find this lock taken and leave the
-- count to it (held until the counting transaction ends, so it works through a
-- transaction pooler).
SELECT pg_try_advisory_xact_lock(hashtext('usersync:status-counts')) AS claimed
