-- verify_migration --e2e: delete the throw-away user (its profile must cascade).
-- Parameter: user_id.
DELETE FROM auth.users WHERE id = %(user_id)s
