-- Profile rules, v5: v4's views and functions (profile_rules.v4.sql), with one rule
-- added: a deactivated profile whose Supabase Auth ban was lifted by hand is drift.
-- Deactivating a profile also bans the user in Supabase Auth (auth.users.banned_until,
-- usersync.supabase_auth.bans); when the profile is still deactivated but banned_until
-- is NULL or past, the two disagree: sync_status shows it and sync_users bans again.
-- It holds only while USERSYNC_BAN_IN_SUPABASE_AUTH is on, which usersync writes to
-- usersync.profile_settings (column ban_in_supabase_auth, added here) after every
-- migrate and before every sync, as it writes the default role: the database cannot
-- read Django's settings. usersync.user_accounts gains banned_until and two columns:
--
--   banned_in_supabase_auth   banned_until is in the future (the auth service's
--                             IsBanned(): now() before banned_until)
--   ban_lifted_by_hand        the profile is deactivated, the user is not banned, and
--                             usersync bans deactivated users (the drift)
--
-- Every other rule is v4's, moved, not changed:
--
--   usersync.user_accounts    an auth user, their profile (if any), how their sign-in
--                             provider is shown, and whether they need a profile
--   usersync.new_profiles     the row a new profile gets (role, active, SSO fields,
--                             last_login), from auth data
--   usersync.profile_sync     the two side by side: what a sync creates and fills
--   usersync.profile_resets   what --no-preserve would change on a profile: the values
--                             it holds and the ones a reset gives it
--
-- and two functions that write by those rules, for the triggers and the sync alike:
--   usersync.create_profiles(uuid[])  make the missing profiles of these users
--   usersync.fill_profiles(uuid[])    fill their profiles from auth data
--
-- * Shown provider: 'anonymous' for anonymous users, else the provider the user signed
--   up with (raw_app_meta_data.provider), else 'email'.
-- * Needs a profile: no profile yet, and not soft-deleted (deleted_at is NULL).
-- * Single sign-on: email, phone and anonymous sign-ins are not; every other provider
--   is. A user's SSO provider is the first SSO provider among the one they signed up
--   with and then their identities, oldest first (created_at, then id). The provider's
--   own user id is the provider_id of the user's oldest identity of that provider.
--   Both are cut to the profile's column widths (50 and 255 characters).
-- * Filling: a profile's NULL sso_provider and sso_user_id are filled from the
--   defaults; a set value is never changed. sso_user_id is filled only while the
--   profile's provider is the default one: an id belongs to its provider. last_login
--   becomes the later of the profile's and the last sign-in (it is a fact that only
--   moves forward, not a setting to preserve). Each group of fields (the SSO pair,
--   last_login) is written only while it is as the statement read it: a concurrent
--   edit is never overwritten.
-- * Reset: role, is_active and the deactivation go back to a new profile's; the SSO
--   fields to auth data's. last_login is a fact, not a setting, and is kept.
--
-- Views, not functions, for the reading: PostgreSQL inlines a view into the query that
-- reads it (and drops the profile join where no profile column is read), so a batch
-- stays one set-based statement. A view binds its names when it is created, so no
-- search_path can redirect it. The usersync schema is not served by the REST API, and
-- the API roles may read none of it.

-- v2's views are replaced, and all of v3's made anew, so the file can run again (as can
-- all files in order, which Supabase CLI's export does): v1's file drops profile_sync
-- and profile_defaults, so no view here depends on either.
DROP VIEW IF EXISTS usersync.profile_resets;
DROP VIEW IF EXISTS usersync.profile_sync;
DROP VIEW IF EXISTS usersync.profile_defaults;
DROP VIEW IF EXISTS usersync.new_profiles;
DROP VIEW IF EXISTS usersync.user_accounts;

-- USERSYNC_BAN_IN_SUPABASE_AUTH, where the view reads it (written by usersync after
-- every migrate and before every sync; on, as the setting's default, until then).
ALTER TABLE usersync.profile_settings
    ADD COLUMN IF NOT EXISTS ban_in_supabase_auth boolean NOT NULL DEFAULT true;

CREATE VIEW usersync.user_accounts AS
SELECT u.id AS user_id,
       CASE WHEN u.is_anonymous THEN 'anonymous'
            ELSE coalesce(u.raw_app_meta_data ->> 'provider', 'email') END AS provider,
       p.user_id IS NOT NULL AS has_profile,
       p.user_id IS NULL AND u.deleted_at IS NULL AS needs_profile,
       u.email,
       u.phone,
       u.is_anonymous,
       u.created_at,
       u.deleted_at,
       u.last_sign_in_at,
       u.raw_app_meta_data,
       u.banned_until,
       coalesce(u.banned_until > now(), false) AS banned_in_supabase_auth,
       (SELECT s.ban_in_supabase_auth FROM usersync.profile_settings s)
       AND p.is_active IS false
       AND NOT coalesce(u.banned_until > now(), false) AS ban_lifted_by_hand,
       p.role AS profile_role,
       p.is_active AS profile_is_active,
       p.deactivated_at AS profile_deactivated_at,
       p.deactivated_by AS profile_deactivated_by,
       p.deactivation_reason AS profile_deactivation_reason,
       p.sso_provider AS profile_sso_provider,
       p.sso_user_id AS profile_sso_user_id,
       p.last_login AS profile_last_login,
       u.ctid AS user_ctid,
       u.xmin AS user_xmin
  FROM auth.users u
  LEFT JOIN public.user_profiles p ON p.user_id = u.id;

CREATE VIEW usersync.new_profiles AS
SELECT a.user_id,
       -- USERSYNC_DEFAULT_ROLE, which usersync writes to the one-row profile_settings
       -- (a subquery, read once a statement: not a function called once a user, nor a
       -- join, whose row count the planner cannot know before an ANALYZE and may
       -- guess at hundreds, multiplying every cost after it).
       (SELECT s.default_role FROM usersync.profile_settings s) AS role,
       true AS is_active,
       left(coalesce(s.signed_up_with, i.provider), 50)::varchar(50) AS sso_provider,
       CASE WHEN s.signed_up_with IS NULL OR i.provider = s.signed_up_with
            THEN left(i.provider_id, 255) END::varchar(255) AS sso_user_id,
       a.last_sign_in_at AS last_login,
       a.deleted_at,
       -- The account's columns, carried for profile_sync and profile_resets (one scan
       -- of auth.users).
       a.has_profile,
       a.needs_profile,
       a.profile_role,
       a.profile_is_active,
       a.profile_deactivated_at,
       a.profile_deactivated_by,
       a.profile_deactivation_reason,
       a.profile_sso_provider,
       a.profile_sso_user_id,
       a.profile_last_login,
       a.user_ctid,
       a.user_xmin
  FROM usersync.user_accounts a
 CROSS JOIN LATERAL (
       SELECT CASE WHEN a.raw_app_meta_data ->> 'provider' NOT IN ('email', 'phone', 'anonymous')
                   THEN a.raw_app_meta_data ->> 'provider' END AS signed_up_with) s
  -- One probe: the sign-up provider's oldest identity, else the oldest SSO identity.
  LEFT JOIN LATERAL (
       SELECT i.provider, i.provider_id
         FROM auth.identities i
        WHERE i.user_id = a.user_id
          AND i.provider NOT IN ('email', 'phone', 'anonymous')
        ORDER BY i.provider IS DISTINCT FROM s.signed_up_with, i.created_at, i.id
        LIMIT 1) i ON true;

-- v2's name for the new-profile row, with v2's columns, for the access token hook v1.
CREATE VIEW usersync.profile_defaults AS
SELECT n.user_id, n.sso_provider, n.sso_user_id, n.last_login, n.deleted_at, n.user_ctid,
       n.user_xmin
  FROM usersync.new_profiles n;

-- `creates`: the user needs a profile. `fills`: the profile exists and filling would
-- change it. filled_*: the profile's fields after filling.
CREATE VIEW usersync.profile_sync AS
SELECT d.user_id, d.role, d.is_active, d.sso_provider, d.sso_user_id, d.last_login,
       d.deleted_at,
       d.has_profile,
       d.needs_profile AS creates,
       d.profile_sso_provider,
       d.profile_sso_user_id,
       d.profile_last_login,
       f.sso_provider AS filled_sso_provider,
       f.sso_user_id AS filled_sso_user_id,
       f.last_login AS filled_last_login,
       d.has_profile
       AND (f.sso_provider, f.sso_user_id, f.last_login)
           IS DISTINCT FROM (d.profile_sso_provider, d.profile_sso_user_id,
                             d.profile_last_login) AS fills,
       d.user_ctid,
       d.user_xmin
  FROM usersync.new_profiles d
 CROSS JOIN LATERAL (
       SELECT coalesce(d.profile_sso_provider, d.sso_provider)::varchar(50) AS sso_provider,
              coalesce(d.profile_sso_user_id,
                       CASE WHEN d.profile_sso_provider IS NULL
                              OR d.profile_sso_provider = d.sso_provider
                            THEN d.sso_user_id END)::varchar(255) AS sso_user_id,
              greatest(d.profile_last_login, d.last_login) AS last_login) f;

-- For each profile of an auth user: what it holds and what --no-preserve would give it
-- (a new profile's role, active state and no deactivation; the SSO fields of auth
-- data), and `preserved`: the held values that differ, i.e. what a reset would change.
CREATE VIEW usersync.profile_resets AS
SELECT r.user_id, r.old_values, r.new_values,
       (SELECT coalesce(jsonb_object_agg(o.key, o.value), '{}'::jsonb)
          FROM jsonb_each(r.old_values) o
         WHERE o.value IS DISTINCT FROM r.new_values -> o.key) AS preserved,
       r.user_ctid
  FROM (SELECT d.user_id, d.user_ctid,
               jsonb_build_object(
                   'role', d.profile_role, 'is_active', d.profile_is_active,
                   'deactivated_at', d.profile_deactivated_at,
                   'deactivated_by', d.profile_deactivated_by,
                   'deactivation_reason', d.profile_deactivation_reason,
                   'sso_provider', d.profile_sso_provider,
                   'sso_user_id', d.profile_sso_user_id) AS old_values,
               jsonb_build_object(
                   'role', d.role, 'is_active', d.is_active,
                   'deactivated_at', NULL, 'deactivated_by', NULL, 'deactivation_reason', NULL,
                   'sso_provider', d.sso_provider, 'sso_user_id', d.sso_user_id) AS new_values
          FROM usersync.new_profiles d
         WHERE d.has_profile) r;

-- Make the missing profiles of these users, as new_profiles gives them; returns the
-- users whose profile was made. A profile made concurrently wins (ON CONFLICT).
CREATE OR REPLACE FUNCTION usersync.create_profiles(user_ids uuid[])
RETURNS SETOF uuid
LANGUAGE plpgsql
VOLATILE
SET search_path = ''
-- Planned once a session, not at every call: a sign-in's one-row call costs
-- a fraction of a millisecond, not the planning of the rules' views.
SET plan_cache_mode = force_generic_plan
AS $function$
BEGIN
    RETURN QUERY
    WITH written AS (
        INSERT INTO public.user_profiles
               (user_id, role, is_active, sso_provider, sso_user_id, last_login)
        SELECT d.user_id, d.role, d.is_active, d.sso_provider, d.sso_user_id, d.last_login
          FROM usersync.new_profiles d
         WHERE d.user_id = ANY (user_ids)
           AND d.needs_profile
            ON CONFLICT (user_id) DO NOTHING
        RETURNING user_id
    )
    SELECT written.user_id FROM written;
END;
$function$;

-- Fill these users' profiles from auth data (profile_sync's filled_* values: NULL SSO
-- fields, a last_login older than the last sign-in); returns the users whose profile
-- changed. Each group of fields only while it is as this statement read it: a
-- concurrent edit is never overwritten, the next sync fills.
CREATE OR REPLACE FUNCTION usersync.fill_profiles(user_ids uuid[])
RETURNS SETOF uuid
LANGUAGE plpgsql
VOLATILE
SET search_path = ''
-- Planned once a session, not at every call: a sign-in's one-row call costs
-- a fraction of a millisecond, not the planning of the rules' views.
SET plan_cache_mode = force_generic_plan
AS $function$
BEGIN
    RETURN QUERY
    WITH written AS (
        UPDATE public.user_profiles p
           SET (sso_provider, sso_user_id) = (
                   SELECT CASE WHEN g.as_read THEN s.filled_sso_provider ELSE p.sso_provider END,
                          CASE WHEN g.as_read THEN s.filled_sso_user_id ELSE p.sso_user_id END
                     FROM (SELECT (p.sso_provider, p.sso_user_id) IS NOT DISTINCT FROM
                                  (s.profile_sso_provider, s.profile_sso_user_id) AS as_read) g),
               last_login = CASE WHEN p.last_login IS NOT DISTINCT FROM s.profile_last_login
                                 THEN s.filled_last_login ELSE p.last_login END
          FROM usersync.profile_sync s
         WHERE s.user_id = ANY (user_ids)
           AND s.fills
           AND p.user_id = s.user_id
           AND ((p.sso_provider, p.sso_user_id) IS NOT DISTINCT FROM
                    (s.profile_sso_provider, s.profile_sso_user_id)
                AND (p.sso_provider, p.sso_user_id) IS DISTINCT FROM
                    (s.filled_sso_provider, s.filled_sso_user_id)
                OR p.last_login IS NOT DISTINCT FROM s.profile_last_login
                AND p.last_login IS DISTINCT FROM s.filled_last_login)
        RETURNING p.user_id
    )
    SELECT written.user_id FROM written;
END;
$function$;

COMMENT ON VIEW usersync.user_accounts IS 'usersync profile_rules v5';
COMMENT ON VIEW usersync.new_profiles IS 'usersync profile_rules v5';
COMMENT ON VIEW usersync.profile_defaults IS 'usersync profile_rules v5';
COMMENT ON VIEW usersync.profile_sync IS 'usersync profile_rules v5';
COMMENT ON VIEW usersync.profile_resets IS 'usersync profile_rules v5';
COMMENT ON FUNCTION usersync.create_profiles(uuid[]) IS 'usersync profile_rules v5';
COMMENT ON FUNCTION usersync.fill_profiles(uuid[]) IS 'usersync profile_rules v5';

-- They show and write auth data: only their owner (and the SECURITY DEFINER triggers
-- and hook it owns) reads or calls them.
REVOKE ALL ON usersync.user_accounts, usersync.new_profiles, usersync.profile_defaults,
    usersync.profile_sync, usersync.profile_resets FROM PUBLIC, anon, authenticated;
REVOKE EXECUTE ON FUNCTION usersync.create_profiles(uuid[]), usersync.fill_profiles(uuid[])
    FROM PUBLIC, anon, authenticated;

-- The one-row settings table's statistics say one row (never analyzed, the planner would
-- assume hundreds).
ANALYZE usersync.profile_settings;
