-- Dry run: what a preserve-mode sync would do, read-only. Profiles to create, and
-- existing profiles with a NULL that auth data would fill.
SELECT
    (SELECT count(*)
       FROM auth.users u
      WHERE u.deleted_at IS NULL
        AND NOT EXISTS (SELECT FROM public.user_profiles p WHERE p.user_id = u.id))
        AS would_create,
    (SELECT count(*)
       FROM public.user_profiles p
       JOIN auth.users u ON u.id = p.user_id
      WHERE (p.sso_provider IS NULL
             AND u.raw_app_meta_data ->> 'provider' NOT IN ('email', 'phone', 'anonymous'))
         OR (p.last_login IS NULL AND u.last_sign_in_at IS NOT NULL)
         OR (p.sso_user_id IS NULL
             AND EXISTS (SELECT FROM auth.identities i
                          WHERE i.user_id = p.user_id
                            AND i.provider = coalesce(
                                p.sso_provider,
                                CASE WHEN u.raw_app_meta_data ->> 'provider'
                                          NOT IN ('email', 'phone', 'anonymous')
                                     THEN u.raw_app_meta_data ->> 'provider' END))))
        AS would_fill
