-- The auth users with exactly this e-mail address (in any case) or phone number, found
-- through the auth service's own indexes (usersync may not index auth tables):
--   users_instance_id_email_idx (instance_id, lower(email)): every user with an instance
--     id, SSO users included, in any case; the instance ids (one on Supabase) by a loose
--     index scan of users_instance_id_idx, not a scan of the table;
--   users_email_partial_key (email) WHERE NOT is_sso_user: the exact spelling, also of a
--     user without an instance id;
--   users_phone_key (phone): the phone number as auth.users keeps it (no leading +).
-- Parameters: email (text or NULL), phone (text or NULL). Returns: id.
WITH RECURSIVE instances AS (
    (SELECT u.instance_id FROM auth.users u
      WHERE u.instance_id IS NOT NULL ORDER BY u.instance_id LIMIT 1)
    UNION ALL
    SELECT (SELECT u.instance_id FROM auth.users u
             WHERE u.instance_id > i.instance_id ORDER BY u.instance_id LIMIT 1)
      FROM instances i
     WHERE i.instance_id IS NOT NULL
)
SELECT u.id
  FROM instances i
  JOIN auth.users u ON u.instance_id = i.instance_id
 WHERE lower(u.email::text) = lower(%(email)s::text)
UNION
SELECT u.id FROM auth.users u WHERE u.email = %(email)s::text AND u.is_sso_user = false
UNION
SELECT u.id FROM auth.users u WHERE u.phone = %(phone)s::text
