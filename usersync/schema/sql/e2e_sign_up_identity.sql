-- verify_migration --e2e: the sign-up's identity, written right after the user in the
-- same transaction. Parameters: user_id, provider_id.
INSERT INTO auth.identities (provider_id, user_id, identity_data, provider, created_at,
                             updated_at)
VALUES (%(provider_id)s, %(user_id)s, '{}', 'github', now(), now())
