-- profile indexes, v1: an index of user_profiles is one more entry to write at every
-- sign-up (the trigger's insert) and every backfilled profile. Audited (issue 23) by
-- pg_stat_user_indexes after the sync, staff, admin, API, trigger and health tests, and
-- by reading every query of usersync:
--   user_profiles_pkey (id)              the admin's pages and staff actions by profile
--   user_profiles_user_id_key            the trigger, the sync, the hook, every request
--   user_profiles_created_at_id_idx      the admin's profile list order (admin_indexes)
--   user_profiles_sso_provider_idx       the SSO filter (partial already)
--   user_profiles_role_idx               kept: the last-active-admin guard of every role
--                                        change and deactivation of an admin, and the
--                                        role filters of the admin and the API, look up
--                                        the few profiles of a rare role; without it each
--                                        is a scan of every profile
--   user_profiles_deactivated_by_idx     the foreign key's ON DELETE SET NULL: deleting
--                                        any auth user looks up the profiles they
--                                        deactivated. Only those rows: made partial here.
-- deactivated_by is NULL in nearly every profile, and a NULL was an entry of its own in
-- the full index at every sign-up. The foreign key's lookup (deactivated_by = $1) can use
-- the partial index: its condition implies deactivated_by IS NOT NULL.
-- Building it reads user_profiles once under a SHARE lock (sign-ups wait for it: about a
-- second per million profiles on the benchmark machine).
DROP INDEX IF EXISTS public.user_profiles_deactivated_by_idx;
CREATE INDEX user_profiles_deactivated_by_idx
    ON public.user_profiles (deactivated_by) WHERE deactivated_by IS NOT NULL;

-- The profiles that are not active: few, and what every sync's ban check starts from
-- (a deactivated profile whose Supabase Auth ban was lifted by hand). Without it each
-- sync reads every profile for them; with it, the few.
CREATE INDEX IF NOT EXISTS user_profiles_inactive_idx
    ON public.user_profiles (user_id) WHERE is_active IS NOT TRUE;
