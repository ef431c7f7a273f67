-- One auth.sessions row per auth user, as the auth service writes them at sign-in, so
-- that the session check probes a table of realistic size. Tagged (user_agent) so that
-- sessions_delete.sql removes exactly these.
INSERT INTO auth.sessions (id, user_id, created_at, updated_at, aal, refreshed_at,
                           user_agent, ip)
SELECT gen_random_uuid(), u.id, now(), now(), 'aal1', now(), 'usersync-bench', '203.0.113.7'
  FROM auth.users u
