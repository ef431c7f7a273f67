-- Row level security, v1. Supabase's REST API serves every table in public to the
-- anon and authenticated roles, limited only by grants and RLS.
-- - user_profiles: a signed-in user reads their own profile, and nothing else;
--   nobody writes through the API (role and is_active decide access).
-- - the logs: nobody reads or writes them through the API. A restrictive policy
--   says so explicitly (RLS with no policy at all is flagged by Supabase's linter).
-- service_role has BYPASSRLS; postgres (Supabase: BYPASSRLS) and table owners too.

ALTER TABLE public.user_profiles ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS user_profiles_select_own ON public.user_profiles;
CREATE POLICY user_profiles_select_own ON public.user_profiles
    AS PERMISSIVE FOR SELECT TO authenticated
    USING ((SELECT auth.uid()) = user_id);
REVOKE ALL ON public.user_profiles FROM anon, authenticated;
GRANT SELECT ON public.user_profiles TO authenticated;
GRANT ALL ON public.user_profiles TO service_role;

ALTER TABLE public.user_activity_log ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS user_activity_log_deny_api ON public.user_activity_log;
CREATE POLICY user_activity_log_deny_api ON public.user_activity_log
    AS RESTRICTIVE FOR ALL TO anon, authenticated USING (false) WITH CHECK (false);
REVOKE ALL ON public.user_activity_log FROM anon, authenticated;
GRANT ALL ON public.user_activity_log TO service_role;

ALTER TABLE public.admin_audit_log ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS admin_audit_log_deny_api ON public.admin_audit_log;
CREATE POLICY admin_audit_log_deny_api ON public.admin_audit_log
    AS RESTRICTIVE FOR ALL TO anon, authenticated USING (false) WITH CHECK (false);
REVOKE ALL ON public.admin_audit_log FROM anon, authenticated;
GRANT ALL ON public.admin_audit_log TO service_role;

ALTER TABLE public.chat_error_log ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS chat_error_log_deny_api ON public.chat_error_log;
CREATE POLICY chat_error_log_deny_api ON public.chat_error_log
    AS RESTRICTIVE FOR ALL TO anon, authenticated USING (false) WITH CHECK (false);
REVOKE ALL ON public.chat_error_log FROM anon, authenticated;
GRANT ALL ON public.chat_error_log TO service_role;

REVOKE ALL ON SEQUENCE public.user_activity_log_id_seq, public.admin_audit_log_id_seq,
    public.chat_error_log_id_seq FROM anon, authenticated;
REVOKE EXECUTE ON FUNCTION public.user_profiles_touch_updated_at() FROM PUBLIC, anon, authenticated;
