-- Whether a role may use a relation's schema and holds a privilege on it.
-- Parameters: owner, relation (schema-qualified), privilege.
SELECT coalesce(
           has_schema_privilege(%(owner)s, split_part(%(relation)s, '.', 1), 'USAGE')
           AND has_table_privilege(%(owner)s, to_regclass(%(relation)s), %(privilege)s),
           false) AS held;
