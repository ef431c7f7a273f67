-- How many profiles (of the named users, or all) there are, and how many of the
-- named users exist without one. Parameter: user_ids (uuid[] or NULL).
SELECT (SELECT count(*) FROM public.user_profiles p
         WHERE %(user_ids)s::uuid[] IS NULL OR p.user_id = ANY (%(user_ids)s::uuid[]))
           AS profiles,
       (SELECT coalesce(array_agg(a.user_id ORDER BY a.user_id), '{}')
          FROM usersync.user_accounts a
         WHERE %(user_ids)s::uuid[] IS NOT NULL
           AND a.user_id = ANY (%(user_ids)s::uuid[])
           AND NOT a.has_profile)
           AS without_profile,
       (SELECT coalesce(array_agg(n ORDER BY n), '{}')
          FROM unnest(coalesce(%(user_ids)s::uuid[], '{}')) AS n
         WHERE NOT EXISTS (SELECT FROM auth.users u WHERE u.id = n))
           AS unknown
