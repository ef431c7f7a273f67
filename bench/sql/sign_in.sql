-- One sign-in as the auth service writes it (as supabase_auth_admin, search_path auth):
-- the user's last_sign_in_at moved to now. Parameters: id.
UPDATE users SET last_sign_in_at = now() WHERE id = %(id)s
