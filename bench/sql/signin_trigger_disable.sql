-- Sign-ins without usersync: the sign-in trigger off (the "no trigger" baseline).
ALTER TABLE auth.users DISABLE TRIGGER on_auth_user_signed_in
