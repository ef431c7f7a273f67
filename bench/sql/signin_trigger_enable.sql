ALTER TABLE auth.users ENABLE TRIGGER on_auth_user_signed_in
