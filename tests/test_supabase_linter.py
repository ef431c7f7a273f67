"""Supabase's database linter (splinter) rules that apply to our objects, checked from
the catalog on our schema: each query returns the objects the rule would flag."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

OUR_SCHEMAS = ("public", "usersync")


def flagged(sql: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, {"schemas": list(OUR_SCHEMAS)})
        return cursor.fetchall()


def test_rls_disabled_in_public__no_table_without_rls():
    assert (
        flagged(
            "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace "
            "AND relkind IN ('r', 'p') AND NOT relrowsecurity"
        )
        == []
    )


def test_rls_enabled_no_policy__every_rls_table_has_a_policy():
    assert (
        flagged(
            "SELECT c.relname FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace "
            "AND c.relkind = 'r' AND c.relrowsecurity "
            "AND NOT EXISTS (SELECT FROM pg_policy p WHERE p.polrelid = c.oid)"
        )
        == []
    )


def test_policy_exists_rls_disabled__no_policy_on_a_table_without_rls():
    assert (
        flagged(
            "SELECT c.relname FROM pg_class c JOIN pg_policy p ON p.polrelid = c.oid "
            "WHERE c.relnamespace::regnamespace::text = ANY(%(schemas)s) AND NOT c.relrowsecurity"
        )
        == []
    )


def test_function_search_path_mutable__every_function_fixes_its_search_path():
    assert (
        flagged(
            "SELECT p.proname FROM pg_proc p "
            "WHERE p.pronamespace::regnamespace::text = ANY(%(schemas)s) "
            "AND NOT EXISTS (SELECT FROM unnest(coalesce(p.proconfig, '{}')) c "
            "WHERE c LIKE 'search_path=%%')"
        )
        == []
    )


@pytest.mark.parametrize("role", ["anon", "authenticated"])
def test_security_definer_function_executable__not_by_the_api_roles(role):
    assert (
        flagged(
            f"SELECT p.proname FROM pg_proc p WHERE p.prosecdef "
            f"AND p.pronamespace::regnamespace::text = ANY(%(schemas)s) "
            f"AND has_function_privilege('{role}', p.oid, 'EXECUTE')"
        )
        == []
    )


def test_security_definer_view_and_auth_users_exposed__no_view_in_the_api():
    # The rules run on in the schemas the REST API serves (public here).
    assert (
        flagged(
            "SELECT c.relname FROM pg_class c WHERE c.relkind IN ('v', 'm') "
            "AND c.relnamespace = 'public'::regnamespace"
        )
        == []
    )


@pytest.mark.parametrize("role", ["anon", "authenticated"])
def test_auth_users_exposed__our_views_of_auth_data_are_out_of_the_api_roles_reach(role):
    views = flagged(
        f"SELECT c.relname, has_schema_privilege('{role}', c.relnamespace, 'USAGE'), "
        f"has_table_privilege('{role}', c.oid, 'SELECT'), "
        "EXISTS (SELECT FROM aclexplode(c.relacl) a WHERE a.grantee = 0) "
        "FROM pg_class c WHERE c.relkind IN ('v', 'm') "
        "AND c.relnamespace::regnamespace::text = ANY(%(schemas)s) ORDER BY 1"
    )
    assert views == [
        ("new_profiles", False, False, False),
        ("profile_defaults", False, False, False),
        ("profile_resets", False, False, False),
        ("profile_sync", False, False, False),
        ("profile_trigger_state", False, False, False),
        ("signin_trigger_state", False, False, False),
        ("user_accounts", False, False, False),
    ]


def test_unindexed_foreign_keys__every_foreign_key_leads_an_index():
    assert (
        flagged(
            "SELECT c.conname FROM pg_constraint c WHERE c.contype = 'f' "
            "AND c.connamespace::regnamespace::text = ANY(%(schemas)s) "
            "AND NOT EXISTS (SELECT FROM pg_index i WHERE i.indrelid = c.conrelid "
            "AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] = c.conkey)"
        )
        == []
    )


def test_multiple_permissive_policies__at_most_one_per_table_role_and_action():
    assert (
        flagged(
            """
        SELECT tablename, role, action, count(*)
          FROM pg_policies,
               unnest(roles) AS role,
               unnest(CASE cmd WHEN 'ALL' THEN ARRAY['SELECT','INSERT','UPDATE','DELETE']
                               ELSE ARRAY[cmd] END) AS action
         WHERE schemaname = ANY(%(schemas)s) AND permissive = 'PERMISSIVE'
         GROUP BY 1, 2, 3 HAVING count(*) > 1
        """
        )
        == []
    )


def test_auth_rls_initplan__policies_call_auth_functions_through_select():
    policies = flagged(
        "SELECT policyname, coalesce(qual, '') || ' ' || coalesce(with_check, '') "
        "FROM pg_policies WHERE schemaname = ANY(%(schemas)s)"
    )
    assert policies, "expected our policies"
    naive = [
        name
        for name, text in policies
        if "auth.uid()" in text and "select auth.uid()" not in text.lower()
    ]
    assert naive == []


def test_rls_policy_always_true__no_permissive_policy_lets_everyone_through():
    assert (
        flagged(
            "SELECT policyname FROM pg_policies WHERE schemaname = ANY(%(schemas)s) "
            "AND permissive = 'PERMISSIVE' AND (qual = 'true' OR with_check = 'true')"
        )
        == []
    )


def test_no_primary_key__every_table_has_one():
    assert (
        flagged(
            "SELECT c.relname FROM pg_class c WHERE c.relkind = 'r' "
            "AND c.relnamespace::regnamespace::text = ANY(%(schemas)s) "
            "AND NOT EXISTS (SELECT FROM pg_constraint k "
            "WHERE k.conrelid = c.oid AND k.contype = 'p')"
        )
        == []
    )


def test_duplicate_index__no_two_indexes_on_the_same_columns():
    assert (
        flagged(
            "SELECT indrelid::regclass, indkey::text, count(*) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indrelid "
            "WHERE c.relnamespace::regnamespace::text = ANY(%(schemas)s) "
            "GROUP BY 1, 2, i.indclass::text, pg_get_expr(i.indpred, i.indrelid), "
            "pg_get_expr(i.indexprs, i.indrelid) "
            "HAVING count(*) > 1"
        )
        == []
    )


def test_linted_schemas__hold_the_access_token_hook_and_its_settings():
    # The rules above find nothing on these too: the definer function that only
    # supabase_auth_admin may execute, with its pinned search_path, and its table.
    assert flagged(
        "SELECT p.oid::regprocedure::text FROM pg_proc p WHERE p.prosecdef "
        "AND p.pronamespace::regnamespace::text = ANY(%(schemas)s) "
        "AND p.proname = 'access_token_hook'"
    ) == [("usersync.access_token_hook(jsonb)",)]
    assert flagged(
        "SELECT c.oid::regclass::text FROM pg_class c WHERE c.relkind = 'r' "
        "AND c.relnamespace::regnamespace::text = ANY(%(schemas)s) "
        "AND c.relname = 'access_token_hook_settings'"
    ) == [("usersync.access_token_hook_settings",)]
