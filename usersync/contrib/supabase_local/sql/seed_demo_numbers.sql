-- The numbers that keep demo e-mail addresses unique (local stand-in only).
CREATE SEQUENCE IF NOT EXISTS auth.usersync_demo_numbers;
GRANT USAGE ON SEQUENCE auth.usersync_demo_numbers TO supabase_auth_admin;
