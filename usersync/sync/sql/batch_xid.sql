-- The id of a sync batch's transaction, for the watermark (its profiles were written
-- in step). Returns: xid (64-bit).
SELECT pg_current_xact_id()::text::bigint AS xid
