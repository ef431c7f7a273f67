-- The incremental sync's work list, in one statement (one snapshot): where the rows of
-- auth.users lie of every user who needs a profile (one hash anti-join over all users,
-- the rule of usersync.user_accounts), and of every user with a profile whose auth
-- row, profile or an identity a transaction from `since` on wrote (its xmin): only
-- those can need a fill that the sync of the watermark did not make. Profiles written
-- by that sync's own batches (`sync_xids`) were in step when written. Physical order,
-- at most `limit`. Parameters: since (xid), sync_xids (xid[]), limit. Returns: ctid.
SELECT a.user_ctid::text AS ctid
  FROM usersync.user_accounts a
 WHERE a.needs_profile
    OR a.has_profile
       AND (age(a.user_xmin) <= age(%(since)s::xid)
            OR a.user_id IN (SELECT p.user_id
                               FROM public.user_profiles p
                              WHERE age(p.xmin) <= age(%(since)s::xid)
                                AND NOT p.xmin = ANY (%(sync_xids)s::xid[]))
            OR a.user_id IN (SELECT i.user_id
                               FROM auth.identities i
                              WHERE age(i.xmin) <= age(%(since)s::xid)))
 ORDER BY a.user_ctid
 LIMIT %(limit)s
