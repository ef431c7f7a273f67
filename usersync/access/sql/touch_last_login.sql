-- last_login, written at most once per interval per user. The condition makes
-- concurrent requests race-safe: one of them updates, the others find it fresh.
-- Parameters: user_id, interval_seconds. Returns a row only when it was written.
UPDATE public.user_profiles
   SET last_login = now()
 WHERE user_id = %(user_id)s
   AND (last_login IS NULL
        OR last_login < now() - make_interval(secs => %(interval_seconds)s))
RETURNING last_login
