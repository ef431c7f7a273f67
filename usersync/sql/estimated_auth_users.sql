-- The planner's estimate of the number of auth users (no table scan); -1 when the
-- table was never analysed.
SELECT reltuples::bigint AS estimated_auth_users FROM pg_class WHERE oid = to_regclass('auth.users')
