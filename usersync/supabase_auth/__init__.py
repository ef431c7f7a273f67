"""What usersync does to a user's Supabase Auth state, beside their profile: ending
their sessions (sessions) and banning them while their profile is deactivated (bans)."""
