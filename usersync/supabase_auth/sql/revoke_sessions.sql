-- End every Supabase Auth session of one user. Their refresh tokens stop working with them:
-- auth.refresh_tokens rows cascade (refresh_tokens_session_id_fkey ON DELETE CASCADE), and
-- the newer ones, signed with the session row's refresh_token_hmac_key, lose their key;
-- so no client can refresh its access token any more.
-- Parameter: user_id. The row count is the number of sessions ended.
DELETE FROM auth.sessions WHERE user_id = %(user_id)s
