-- Reverse of supabase_standin_roles.v1.sql: nothing. Roles belong to the whole server,
-- other databases may use them, and the stand-in's reverse leaves its roles too.
SELECT 1;
