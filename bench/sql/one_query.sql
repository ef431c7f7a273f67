-- The health benchmark's anchor view: the least a view that reads the database can send.
SELECT 1
