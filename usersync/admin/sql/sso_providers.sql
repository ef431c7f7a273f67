-- The distinct SSO providers of the profiles, by a loose index scan over
-- user_profiles_sso_provider_idx: one index probe per provider, not a scan of every
-- profile.
WITH RECURSIVE providers AS (
    (SELECT sso_provider
       FROM public.user_profiles
      WHERE sso_provider IS NOT NULL
      ORDER BY sso_provider
      LIMIT 1)
    UNION ALL
    SELECT (SELECT p.sso_provider
              FROM public.user_profiles p
             WHERE p.sso_provider > providers.sso_provider
             ORDER BY p.sso_provider
             LIMIT 1)
      FROM providers
     WHERE providers.sso_provider IS NOT NULL
)
SELECT sso_provider FROM providers WHERE sso_provider IS NOT NULL
