-- One keyset batch of the sync, preserve mode: the next batch_size auth users after
-- `after` (by id); create the missing profiles (never for soft-deleted users); fill
-- NULLs from auth data (SSO provider, the provider's user id, last_login from
-- last_sign_in_at) without changing any value that is set. ON CONFLICT covers a
-- sign-up whose trigger made the profile while this batch ran.
-- Each user's profile is looked up once, through its index (LIMIT keeps the lateral
-- subquery a per-user probe): left to guess how many of the batch have a profile, the
-- planner would hash-join a scan of every profile, in every batch.
-- Parameters: after (uuid), batch_size. Returns: last_id, scanned, created, filled.
WITH batch AS (
    SELECT u.id, u.sso_provider, u.last_sign_in_at, u.deleted_at,
           p.user_id IS NOT NULL AS has_profile,
           p.user_id IS NOT NULL
           AND ((p.sso_provider IS NULL AND u.sso_provider IS NOT NULL)
                OR (p.last_login IS NULL AND u.last_sign_in_at IS NOT NULL)
                OR (p.sso_user_id IS NULL
                    AND coalesce(p.sso_provider, u.sso_provider) IS NOT NULL)) AS may_fill
      FROM (SELECT u.id,
                   CASE WHEN u.raw_app_meta_data ->> 'provider' NOT IN ('email', 'phone', 'anonymous')
                        THEN left(u.raw_app_meta_data ->> 'provider', 50) END AS sso_provider,
                   u.last_sign_in_at,
                   u.deleted_at
              FROM auth.users u
             WHERE u.id > %(after)s
             ORDER BY u.id
             LIMIT %(batch_size)s) u
      LEFT JOIN LATERAL (
           SELECT p.user_id, p.sso_provider, p.sso_user_id, p.last_login
             FROM public.user_profiles p
            WHERE p.user_id = u.id
            LIMIT 1) p ON true
), created AS (
    INSERT INTO public.user_profiles (user_id, role, is_active, sso_provider, sso_user_id, last_login)
    SELECT b.id, 'user', true, b.sso_provider,
           -- Only SSO users have a provider user id to look up.
           CASE WHEN b.sso_provider IS NOT NULL THEN
               (SELECT left(i.provider_id, 255)
                  FROM auth.identities i
                 WHERE i.user_id = b.id AND i.provider = b.sso_provider
                 ORDER BY i.created_at, i.id
                 LIMIT 1)
           END,
           b.last_sign_in_at
      FROM batch b
     WHERE b.deleted_at IS NULL
       AND NOT b.has_profile
        ON CONFLICT (user_id) DO NOTHING
    RETURNING user_id
), filled AS (
    -- The conditions again on the row as it is now: a concurrent edit is never overwritten.
    UPDATE public.user_profiles p
       SET sso_provider = coalesce(p.sso_provider, b.sso_provider),
           sso_user_id = coalesce(
               p.sso_user_id,
               (SELECT left(i.provider_id, 255)
                  FROM auth.identities i
                 WHERE i.user_id = p.user_id
                   AND i.provider = coalesce(p.sso_provider, b.sso_provider)
                 ORDER BY i.created_at, i.id
                 LIMIT 1)),
           last_login = coalesce(p.last_login, b.last_sign_in_at)
      FROM batch b
     WHERE p.user_id = b.id
       AND p.user_id = ANY (ARRAY(SELECT id FROM batch WHERE may_fill))
       AND ((p.sso_provider IS NULL AND b.sso_provider IS NOT NULL)
            OR (p.last_login IS NULL AND b.last_sign_in_at IS NOT NULL)
            OR (p.sso_user_id IS NULL
                AND coalesce(p.sso_provider, b.sso_provider) IS NOT NULL
                AND EXISTS (SELECT FROM auth.identities i
                             WHERE i.user_id = p.user_id
                               AND i.provider = coalesce(p.sso_provider, b.sso_provider))))
    RETURNING p.user_id
)
SELECT (SELECT id FROM batch ORDER BY id DESC LIMIT 1) AS last_id,
       (SELECT count(*) FROM batch) AS scanned,
       (SELECT count(*) FROM created) AS created,
       (SELECT count(*) FROM filled) AS filled
