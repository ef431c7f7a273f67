-- Profile rules, v2: what a profile gets from auth data, written once and read by the
-- triggers, the sync, the dry run, create_profile and the preservation report.
--
-- Single sign-on: email, phone and anonymous sign-ins are not; every other provider
-- is. A user's SSO provider is the first SSO provider among the one they signed up
-- with (raw_app_meta_data.provider, which the auth service never changes) and then
-- their identities, oldest first (created_at, then id). An email user who later
-- links GitHub is a GitHub SSO user.
-- The provider's own user id is the provider_id of the user's oldest identity of
-- that provider (none when there is no such identity).
-- Both are cut to the profile's column widths (50 and 255 characters).
--
-- Filling: a profile's NULL sso_provider, sso_user_id and last_login are filled from
-- the defaults; a set value is never changed. sso_user_id is filled only while the
-- profile's provider is the default one: an id belongs to its provider.
--
-- Each row also carries where its auth.users row lies (user_ctid) and which transaction
-- wrote it (user_xmin): the sync walks auth.users in physical order, page range by page
-- range, and then catches up on the rows written since it began (which may have moved
-- behind it). v1 had neither column.
--
-- Views, not functions: PostgreSQL inlines a view into the query that reads it, so a
-- batch stays one set-based statement with one identity probe per user; a function
-- with a fixed search_path is never inlined (it costs 3-4 times as much per user).
-- A view binds its names when it is created, so no search_path can redirect it. The
-- usersync schema is not served by the REST API, and the API roles may not read them.

-- The role of a new profile: USERSYNC_DEFAULT_ROLE, which usersync writes here after
-- every migrate and before every sync (the database cannot read Django's settings).
CREATE TABLE IF NOT EXISTS usersync.profile_settings (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    default_role varchar(50) NOT NULL DEFAULT 'user'
);
INSERT INTO usersync.profile_settings DEFAULT VALUES ON CONFLICT DO NOTHING;
REVOKE ALL ON usersync.profile_settings FROM PUBLIC, anon, authenticated;

CREATE OR REPLACE FUNCTION usersync.default_role()
RETURNS varchar
LANGUAGE sql
STABLE
SET search_path = ''
AS $function$
    SELECT s.default_role FROM usersync.profile_settings s
$function$;
REVOKE EXECUTE ON FUNCTION usersync.default_role() FROM PUBLIC, anon, authenticated;

-- For each auth user, what a new profile gets (and the role: usersync.default_role()).
CREATE OR REPLACE VIEW usersync.profile_defaults AS
SELECT u.id AS user_id,
       left(coalesce(s.signed_up_with, i.provider), 50)::varchar(50) AS sso_provider,
       CASE WHEN s.signed_up_with IS NULL OR i.provider = s.signed_up_with
            THEN left(i.provider_id, 255) END::varchar(255) AS sso_user_id,
       u.last_sign_in_at AS last_login,
       u.deleted_at,
       u.ctid AS user_ctid,
       u.xmin AS user_xmin
  FROM auth.users u
 CROSS JOIN LATERAL (
       SELECT CASE WHEN u.raw_app_meta_data ->> 'provider' NOT IN ('email', 'phone', 'anonymous')
                   THEN u.raw_app_meta_data ->> 'provider' END AS signed_up_with) s
  -- One probe: the sign-up provider's oldest identity, else the oldest SSO identity.
  LEFT JOIN LATERAL (
       SELECT i.provider, i.provider_id
         FROM auth.identities i
        WHERE i.user_id = u.id
          AND i.provider NOT IN ('email', 'phone', 'anonymous')
        ORDER BY i.provider IS DISTINCT FROM s.signed_up_with, i.created_at, i.id
        LIMIT 1) i ON true;

-- For each auth user: the defaults, their profile (if any) and what filling makes of
-- it. `creates`: the user has no profile and should have one (soft-deleted users get
-- none). `fills`: the profile exists and filling would change it.
CREATE OR REPLACE VIEW usersync.profile_sync AS
SELECT d.user_id, d.sso_provider, d.sso_user_id, d.last_login, d.deleted_at,
       p.user_id IS NOT NULL AS has_profile,
       p.user_id IS NULL AND d.deleted_at IS NULL AS creates,
       p.sso_provider AS profile_sso_provider,
       p.sso_user_id AS profile_sso_user_id,
       p.last_login AS profile_last_login,
       f.sso_provider AS filled_sso_provider,
       f.sso_user_id AS filled_sso_user_id,
       f.last_login AS filled_last_login,
       p.user_id IS NOT NULL
       AND (f.sso_provider, f.sso_user_id, f.last_login)
           IS DISTINCT FROM (p.sso_provider, p.sso_user_id, p.last_login) AS fills,
       d.user_ctid,
       d.user_xmin
  FROM usersync.profile_defaults d
  -- LIMIT keeps this a per-user index probe: left to guess how many users have a
  -- profile, the planner would hash-join a scan of every profile.
  LEFT JOIN LATERAL (
       SELECT p.user_id, p.sso_provider, p.sso_user_id, p.last_login
         FROM public.user_profiles p
        WHERE p.user_id = d.user_id
        LIMIT 1) p ON true
 CROSS JOIN LATERAL (
       SELECT coalesce(p.sso_provider, d.sso_provider)::varchar(50) AS sso_provider,
              coalesce(p.sso_user_id,
                       CASE WHEN p.sso_provider IS NULL OR p.sso_provider = d.sso_provider
                            THEN d.sso_user_id END)::varchar(255) AS sso_user_id,
              coalesce(p.last_login, d.last_login) AS last_login) f;

COMMENT ON VIEW usersync.profile_defaults IS 'usersync profile_rules v2';
COMMENT ON VIEW usersync.profile_sync IS 'usersync profile_rules v2';

-- They show auth data: only their owner (and the SECURITY DEFINER triggers it owns)
-- reads them.
REVOKE ALL ON usersync.profile_defaults, usersync.profile_sync FROM PUBLIC, anon, authenticated;
