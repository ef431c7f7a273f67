-- verify_migration --e2e: the profile the trigger made. Parameter: user_id.
SELECT role, is_active, sso_provider, sso_user_id
  FROM public.user_profiles WHERE user_id = %(user_id)s
