-- Reverse of row_level_security.v1.sql.
DROP POLICY IF EXISTS chat_error_log_deny_api ON public.chat_error_log;
ALTER TABLE public.chat_error_log DISABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS admin_audit_log_deny_api ON public.admin_audit_log;
ALTER TABLE public.admin_audit_log DISABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS user_activity_log_deny_api ON public.user_activity_log;
ALTER TABLE public.user_activity_log DISABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS user_profiles_select_own ON public.user_profiles;
ALTER TABLE public.user_profiles DISABLE ROW LEVEL SECURITY;
