-- What an incremental sync compares with its watermark: now (the snapshot's oldest
-- transaction as a 64-bit id, the files of the three tables the fill reads, the
-- version of the profile rules, the statistics' estimate of the users without a
-- profile (NULL before both tables were analysed)) and the stored watermark's columns
-- (NULL without one).
SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS snapshot_xmin,
       now() AS now,
       pg_relation_filenode('auth.users')::bigint AS users_filenode,
       pg_relation_filenode('auth.identities')::bigint AS identities_filenode,
       pg_relation_filenode('public.user_profiles')::bigint AS profiles_filenode,
       coalesce(obj_description('usersync.profile_sync'::regclass, 'pg_class'), '')
           AS rules_version,
       (SELECT (u.reltuples - p.reltuples)::bigint
          FROM pg_class u, pg_class p
         WHERE u.oid = 'auth.users'::regclass AND p.oid = 'public.user_profiles'::regclass
           AND u.reltuples >= 0 AND p.reltuples >= 0) AS estimated_missing,
       w.snapshot_xmin AS since_xmin,
       w.recorded_at AS since_recorded_at,
       w.full_check_at AS since_full_check_at,
       w.users_filenode AS since_users_filenode,
       w.identities_filenode AS since_identities_filenode,
       w.profiles_filenode AS since_profiles_filenode,
       w.rules_version AS since_rules_version,
       w.sync_xids AS since_sync_xids
  FROM (SELECT) now_
  LEFT JOIN usersync.sync_watermark w ON true
