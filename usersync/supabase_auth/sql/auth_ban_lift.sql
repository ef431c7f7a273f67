-- A reactivation lifts the ban its deactivation set, only while banned_until still holds
-- exactly the value usersync set (recorded in that deactivation's audit entry): a ban
-- changed in Supabase since (dashboard, auth.admin.updateUserById's ban_duration) is left
-- as it is. The ban usersync replaced, if any and not yet expired, comes back.
-- Parameters: user_id, banned_until (what usersync set), restore (what it replaced, or
-- NULL). Returns the user's banned_until after, when the ban was usersync's.
UPDATE auth.users
   SET banned_until = CASE WHEN %(restore)s::timestamptz > now() THEN %(restore)s::timestamptz END
 WHERE id = %(user_id)s
   AND banned_until = %(banned_until)s::timestamptz
RETURNING banned_until
