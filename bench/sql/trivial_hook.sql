-- The baseline for the access token hook's cost: a hook that returns the event as it
-- came (the auth service accepts it: it has "claims"), declared like ours.
CREATE OR REPLACE FUNCTION usersync.bench_trivial_hook(event jsonb)
RETURNS jsonb
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = ''
SET lock_timeout = '1s'
AS $function$
BEGIN
    RETURN event;
END;
$function$;
REVOKE EXECUTE ON FUNCTION usersync.bench_trivial_hook(jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION usersync.bench_trivial_hook(jsonb) TO supabase_auth_admin;
