-- --no-preserve, one batch: reset the existing profiles of the auth users whose rows
-- lie between `first` and `stop` (and at `ctids`, if given; as in sync_batch.sql) to
-- what usersync.profile_resets says a reset gives them. Every reset profile's old
-- values go to admin_audit_log, restorable.
-- Parameters: first, stop, ctids, actor, run_id. Returns: reset, audited.
WITH changed AS (
    SELECT r.user_id, r.old_values, r.new_values
      FROM usersync.profile_resets r
      JOIN public.user_profiles p ON p.user_id = r.user_id
     WHERE r.user_ctid >= %(first)s::tid AND r.user_ctid < %(stop)s::tid
       AND (%(ctids)s::tid[] IS NULL OR r.user_ctid = ANY (%(ctids)s::tid[]))
       AND r.preserved <> '{}'::jsonb
       FOR UPDATE OF p
), reset AS (
    UPDATE public.user_profiles p
       SET (role, is_active, deactivated_at, deactivated_by, deactivation_reason,
            sso_provider, sso_user_id) = (
               SELECT n.role, n.is_active, n.deactivated_at, n.deactivated_by,
                      n.deactivation_reason, n.sso_provider, n.sso_user_id
                 FROM jsonb_populate_record(NULL::public.user_profiles, c.new_values) n)
      FROM changed c
     WHERE p.user_id = c.user_id
    RETURNING p.user_id
), audited AS (
    INSERT INTO public.admin_audit_log
           (actor, action, target_user_id, old_values, new_values, reason, details)
    SELECT %(actor)s, 'profile_reset', c.user_id, c.old_values, c.new_values,
           'sync_users --no-preserve', jsonb_build_object('sync_run_id', %(run_id)s)
      FROM changed c
    RETURNING target_user_id
)
SELECT (SELECT count(*) FROM reset) AS reset, (SELECT count(*) FROM audited) AS audited
