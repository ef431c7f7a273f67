-- --no-preserve, one batch: reset the existing profiles of the auth users whose rows
-- lie between `first` and `stop` (and at `ctids`, if given; as in sync_batch.sql) to
-- what a new profile gets (the default role, active, no deactivation, SSO fields from
-- auth data as usersync.profile_defaults gives them; last_login is a fact, not a
-- setting, and is kept). Every reset profile's old
-- values go to admin_audit_log, restorable.
-- Parameters: first, stop, ctids, actor, run_id. Returns: reset.
WITH defaults AS (
    SELECT d.user_id, d.sso_provider, d.sso_user_id, (SELECT usersync.default_role()) AS role
      FROM usersync.profile_defaults d
     WHERE d.user_ctid >= %(first)s::tid AND d.user_ctid < %(stop)s::tid
       AND (%(ctids)s::tid[] IS NULL OR d.user_ctid = ANY (%(ctids)s::tid[]))
), changed AS (
    SELECT p.user_id,
           jsonb_build_object(
               'role', p.role, 'is_active', p.is_active, 'deactivated_at', p.deactivated_at,
               'deactivated_by', p.deactivated_by, 'deactivation_reason', p.deactivation_reason,
               'sso_provider', p.sso_provider, 'sso_user_id', p.sso_user_id) AS old_values,
           jsonb_build_object(
               'role', d.role, 'is_active', true, 'deactivated_at', NULL,
               'deactivated_by', NULL, 'deactivation_reason', NULL,
               'sso_provider', d.sso_provider, 'sso_user_id', d.sso_user_id) AS new_values
      FROM public.user_profiles p
      JOIN defaults d ON d.user_id = p.user_id
     WHERE (p.role, p.is_active, p.deactivated_at, p.deactivated_by, p.deactivation_reason,
            p.sso_provider, p.sso_user_id)
           IS DISTINCT FROM
           (d.role, true, NULL, NULL, NULL, d.sso_provider, d.sso_user_id)
       FOR UPDATE OF p
), reset AS (
    UPDATE public.user_profiles p
       SET role = c.new_values ->> 'role', is_active = true, deactivated_at = NULL, deactivated_by = NULL,
           deactivation_reason = NULL,
           sso_provider = c.new_values ->> 'sso_provider',
           sso_user_id = c.new_values ->> 'sso_user_id'
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
