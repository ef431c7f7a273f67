-- What a backfill produced, as one hash: every profile's user and the values a sync
-- sets (not the generated id or the timestamps), so two methods can be compared.
SELECT count(*),
       md5(string_agg(concat_ws('|', user_id, role, is_active, sso_provider, sso_user_id,
                                last_login, deactivated_at, deactivated_by),
                      ',' ORDER BY user_id))
  FROM public.user_profiles
