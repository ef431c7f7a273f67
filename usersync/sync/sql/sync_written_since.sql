-- The catch-up after a walk: where the rows of auth.users lie that transactions from
-- `since` on wrote (an update may have moved a row to a page the walk had passed) and
-- that still need work, in physical order; at most `limit` of them. One statement, so
-- one snapshot that sees every row once. With `preserve` false (a reset) every such
-- row needs work. Parameters: since (xid), preserve, limit. Returns: ctid, xmin (which
-- tell a row version apart: one the catch-up has seen may come back while an older
-- transaction keeps `since` where it is).
SELECT s.user_ctid::text AS ctid, s.user_xmin::text AS xmin
  FROM usersync.profile_sync s
 WHERE age(s.user_xmin) <= age(%(since)s::xid)
   AND (s.creates OR s.fills OR NOT %(preserve)s)
 ORDER BY s.user_ctid
 LIMIT %(limit)s
