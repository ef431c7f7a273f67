-- Sign-ups without usersync: our two triggers off (for the "no trigger" baseline).
ALTER TABLE auth.users DISABLE TRIGGER on_auth_user_created;
ALTER TABLE auth.identities DISABLE TRIGGER on_auth_identity_created;
