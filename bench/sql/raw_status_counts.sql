-- The raw counts behind the spec's status metrics, written directly: all auth users,
-- all profiles, and the anti-join of users (not soft-deleted) without a profile.
SELECT (SELECT count(*) FROM auth.users) AS total_auth_users,
       (SELECT count(*) FROM public.user_profiles) AS total_profiles,
       (SELECT count(*)
          FROM auth.users u
         WHERE u.deleted_at IS NULL
           AND NOT EXISTS (SELECT FROM public.user_profiles p WHERE p.user_id = u.id))
           AS missing_profiles
