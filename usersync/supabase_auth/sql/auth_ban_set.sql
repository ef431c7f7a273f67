-- A deactivation locks the user out in Supabase Auth itself: auth.users.banned_until,
-- which the auth service checks at sign-in, refresh, OAuth, passkeys and verify
-- (User.IsBanned()). In the deactivation's transaction. Returns the ban it replaced
-- (NULL: none; the audit entry keeps it, so reactivation can restore a ban Supabase
-- set) and the one now set. Parameters: user_id, banned_until.
UPDATE auth.users u
   SET banned_until = %(banned_until)s
  FROM (SELECT p.id, p.banned_until
          FROM auth.users p
         WHERE p.id = %(user_id)s
           FOR UPDATE) prior
 WHERE u.id = prior.id
RETURNING prior.banned_until AS previous_banned_until, u.banned_until AS banned_until
