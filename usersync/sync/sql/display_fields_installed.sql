-- The installed usersync.fill_display_fields (display_fields.v1.sql, its body replaced
-- after every migrate): its mapping's hash comment and the md5 of its body; no row
-- before migration 0019.
SELECT obj_description(p.oid, 'pg_proc') AS comment, md5(p.prosrc) AS body_md5
  FROM pg_catalog.pg_proc p
 WHERE p.oid = to_regprocedure('usersync.fill_display_fields(uuid[])')
