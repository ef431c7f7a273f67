-- Sent in front of a health URL's query, in the same string: PostgreSQL runs a string of
-- several statements as one implicit transaction, so the limit holds for that query only
-- and costs no round trip of its own. {milliseconds}: a whole number, filled in by Python.
SET LOCAL statement_timeout = {milliseconds};
