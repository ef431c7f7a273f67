-- Are on_auth_user_created and on_auth_user_signed_in installed and enabled
-- (usersync.profile_trigger_state, usersync.signin_trigger_state)?
-- And how many profile creations did the triggers fail to make, not yet repaired?
SELECT t.trigger_installed,
       t.trigger_enabled,
       signin.signin_trigger_installed,
       signin.signin_trigger_enabled,
       (SELECT count(*) FROM usersync.trigger_failures WHERE resolved_at IS NULL)
       -- and the access token hook's failures it could not record (access_token_hook.v2)
       + (SELECT CASE WHEN is_called THEN last_value ELSE 0 END
            FROM usersync.access_token_hook_unrecorded_failures)
           AS trigger_failures
  FROM usersync.profile_trigger_state t
 CROSS JOIN usersync.signin_trigger_state signin
