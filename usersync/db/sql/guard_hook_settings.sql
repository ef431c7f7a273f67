-- Rows of the access token hook's settings worth keeping: those an operator changed.
-- The one row the migration inserts with the column defaults is not data.
SELECT count(*) AS rows
  FROM usersync.access_token_hook_settings
 WHERE (role_claim, active_claim, deactivated_message) IS DISTINCT FROM
       ('user_role', 'user_is_active',
        'This account has been deactivated. Contact an administrator.');
