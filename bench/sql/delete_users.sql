-- Remove users a benchmark added (their identities and profiles cascade).
-- Parameter: ids (uuid[]).
DELETE FROM auth.users WHERE id = ANY(%(ids)s)
