-- One batch of the sync: the display fields (USERSYNC_DISPLAY_FIELDS) of the auth users
-- whose rows lie between `first` and `stop` (and at `ctids`, if given; as in
-- sync_batch.sql), written where they differ from auth data, by the installed
-- usersync.fill_display_fields. A statement of its own, after sync_batch.sql, so that
-- it sees the profiles that batch made. Parameters: first, stop, ctids.
-- Returns: displayed.
SELECT count(*) AS displayed
  FROM usersync.fill_display_fields(ARRAY(
           SELECT a.user_id
             FROM usersync.user_accounts a
            WHERE a.user_ctid >= %(first)s::tid AND a.user_ctid < %(stop)s::tid
              AND (%(ctids)s::tid[] IS NULL OR a.user_ctid = ANY (%(ctids)s::tid[]))))
       AS f(user_id)
