-- The database check on its own: the database answers a query.
SELECT 1 AS alive
