-- A completed sync's watermark: the state it read before it began (watermark_state).
-- Parameters: run_id, snapshot_xmin, recorded_at, full_check_at, users_filenode,
-- identities_filenode, profiles_filenode, rules_version, sync_xids (jsonb).
INSERT INTO usersync.sync_watermark AS w
       (singleton, run_id, snapshot_xmin, recorded_at, full_check_at, users_filenode,
        identities_filenode, profiles_filenode, rules_version, sync_xids)
VALUES (true, %(run_id)s, %(snapshot_xmin)s, %(recorded_at)s, %(full_check_at)s,
        %(users_filenode)s, %(identities_filenode)s, %(profiles_filenode)s,
        %(rules_version)s, %(sync_xids)s::jsonb)
    ON CONFLICT (singleton) DO UPDATE
   SET run_id = EXCLUDED.run_id,
       snapshot_xmin = EXCLUDED.snapshot_xmin,
       recorded_at = EXCLUDED.recorded_at,
       full_check_at = EXCLUDED.full_check_at,
       users_filenode = EXCLUDED.users_filenode,
       identities_filenode = EXCLUDED.identities_filenode,
       profiles_filenode = EXCLUDED.profiles_filenode,
       rules_version = EXCLUDED.rules_version,
       sync_xids = EXCLUDED.sync_xids
