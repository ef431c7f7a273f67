-- Ban again in Supabase Auth the users of `user_ids` (their profiles locked by
-- ban_drift_lock.sql) whose deactivated profile is still not banned, read afresh
-- (usersync.user_accounts, ban_lifted_by_hand): banned_until becomes usersync's ban
-- (usersync.supabase_auth.bans.BANNED_UNTIL), and each gets an audit entry with the
-- value replaced, in the shape a deactivation records it (details.supabase_auth_ban),
-- so that a reactivation lifts this ban.
-- Parameters: user_ids, banned_until, actor, run_id. Returns: banned, audited.
WITH drift AS (
    SELECT a.user_id, a.banned_until
      FROM usersync.user_accounts a
     WHERE a.user_id = ANY (%(user_ids)s::uuid[])
       AND a.ban_lifted_by_hand
), banned AS (
    UPDATE auth.users u
       SET banned_until = %(banned_until)s::timestamptz
      FROM drift d
     WHERE u.id = d.user_id
    RETURNING u.id AS user_id, d.banned_until AS previous_banned_until, u.banned_until
), audited AS (
    INSERT INTO public.admin_audit_log
           (actor, action, target_user_id, old_values, new_values, reason, details)
    SELECT %(actor)s, 'supabase_auth_ban_restored', b.user_id,
           jsonb_build_object('banned_until', b.previous_banned_until),
           jsonb_build_object('banned_until', b.banned_until),
           'deactivated in usersync but not banned in Supabase Auth (ban lifted outside usersync)',
           jsonb_build_object(
               'sync_run_id', %(run_id)s,
               'supabase_auth_ban', jsonb_build_object(
                   'set_by_usersync', true,
                   'banned_until', b.banned_until,
                   'previous_banned_until', b.previous_banned_until))
      FROM banned b
    RETURNING target_user_id
)
SELECT (SELECT count(*) FROM banned) AS banned, (SELECT count(*) FROM audited) AS audited
