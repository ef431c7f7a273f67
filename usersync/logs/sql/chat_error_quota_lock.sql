-- One chat-error quota check at a time per user, until the transaction ends (safe
-- through a transaction pooler). Parameter: user_id.
SELECT pg_advisory_xact_lock(hashtext('usersync:chat-error-quota'), hashtext(%(user_id)s::text))
