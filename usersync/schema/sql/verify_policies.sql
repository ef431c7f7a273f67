-- Row level security policies on a table: name, permissive, roles, USING, WITH CHECK.
-- Parameter: table.
SELECT policyname AS name, permissive, roles::text[] AS roles, qual, with_check
  FROM pg_policies
 WHERE format('%%I.%%I', schemaname, tablename) = %(table)s
 ORDER BY policyname
