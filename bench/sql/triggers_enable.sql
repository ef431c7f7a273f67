-- Sign-ups with usersync: our two triggers on, as migrate installs them.
ALTER TABLE auth.users ENABLE TRIGGER on_auth_user_created;
ALTER TABLE auth.identities ENABLE TRIGGER on_auth_identity_created;
