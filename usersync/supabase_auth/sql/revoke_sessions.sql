-- End every Supabase Auth session of one user: their refresh tokens go with them
-- (ON DELETE CASCADE), so no client can refresh its access token any more.
-- Parameter: user_id. The row count is the number of sessions ended.
DELETE FROM auth.sessions WHERE user_id = %(user_id)s
