"""The created schema matches the spec, read back from the catalog."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

# The spec's DDL: (data type, default, nullable).
SPEC_USER_PROFILES = {
    "id": ("uuid", "gen_random_uuid()", "NO"),
    "user_id": ("uuid", None, "YES"),
    "role": ("character varying(50)", "'user'::character varying", "NO"),
    "is_active": ("boolean", "true", "YES"),
    "last_login": ("timestamp with time zone", None, "YES"),
    "deactivated_at": ("timestamp with time zone", None, "YES"),
    "deactivated_by": ("uuid", None, "YES"),
    "deactivation_reason": ("character varying(255)", None, "YES"),
    "sso_provider": ("character varying(50)", None, "YES"),
    "sso_user_id": ("character varying(255)", None, "YES"),
    "created_at": ("timestamp with time zone", "now()", "YES"),
    "updated_at": ("timestamp with time zone", "now()", "YES"),
}


def fetch(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def columns(table: str) -> dict[str, tuple]:
    rows = fetch(
        """
        SELECT a.attname, format_type(a.atttypid, a.atttypmod),
               pg_get_expr(d.adbin, d.adrelid), CASE WHEN a.attnotnull THEN 'NO' ELSE 'YES' END
          FROM pg_attribute a
          LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped
         ORDER BY a.attnum
        """,
        [table],
    )
    return {name: (type_, default, nullable) for name, type_, default, nullable in rows}


def test_user_profiles__columns_match_the_spec_in_order():
    assert columns("public.user_profiles") == SPEC_USER_PROFILES
    assert list(columns("public.user_profiles")) == list(SPEC_USER_PROFILES)


def test_user_profiles__keys_and_their_delete_rules():
    constraints = fetch(
        """
        SELECT contype, pg_get_constraintdef(oid)
          FROM pg_constraint WHERE conrelid = 'public.user_profiles'::regclass
           AND contype <> 'n'  -- PostgreSQL 18 lists NOT NULL constraints too
         ORDER BY contype, conname
        """
    )
    assert sorted(constraints) == sorted(
        [
            ("f", "FOREIGN KEY (deactivated_by) REFERENCES auth.users(id) ON DELETE SET NULL"),
            ("f", "FOREIGN KEY (user_id) REFERENCES auth.users(id) ON DELETE CASCADE"),
            ("p", "PRIMARY KEY (id)"),
            ("u", "UNIQUE (user_id)"),
        ]
    )


def test_every_foreign_key_of_ours__is_the_leading_column_of_an_index():
    unindexed = fetch(
        """
        SELECT c.conrelid::regclass::text, c.conname
          FROM pg_constraint c
         WHERE c.contype = 'f'
           AND c.connamespace IN ('public'::regnamespace, 'usersync'::regnamespace)
           AND NOT EXISTS (
               SELECT FROM pg_index i
                WHERE i.indrelid = c.conrelid AND i.indkey[0] = c.conkey[1])
        """
    )
    assert unindexed == []


@pytest.mark.parametrize(
    "table",
    ["public.user_activity_log", "public.admin_audit_log", "public.chat_error_log"],
)
def test_logs__have_no_foreign_keys_so_history_outlives_users(table):
    assert (
        fetch(
            "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'",
            [table],
        )
        == []
    )
    assert columns(table)["created_at"] == ("timestamp with time zone", "now()", "NO")


def test_auth_users__has_supabase_columns_and_generated_confirmed_at():
    auth_columns = columns("auth.users")
    assert len(auth_columns) == 35
    assert auth_columns["phone"][::2] == ("text", "YES")
    assert auth_columns["is_sso_user"] == ("boolean", "false", "NO")
    assert auth_columns["is_anonymous"] == ("boolean", "false", "NO")
    generated = fetch(
        "SELECT attgenerated FROM pg_attribute WHERE attrelid = 'auth.users'::regclass "
        "AND attname = 'confirmed_at'"
    )
    assert generated == [("s",)]
    partial_email = fetch(
        "SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = 'auth.users'::regclass "
        "AND indisunique AND pg_get_indexdef(indexrelid) LIKE '%%(email)%%'"
    )
    assert partial_email == [
        (
            "CREATE UNIQUE INDEX users_email_partial_key ON auth.users USING btree (email) "
            "WHERE (is_sso_user = false)",
        )
    ]


def test_auth_tables__are_owned_by_supabase_auth_admin_whose_search_path_is_auth():
    owners = fetch(
        "SELECT relname, pg_get_userbyid(relowner) FROM pg_class "
        "WHERE relnamespace = 'auth'::regnamespace AND relkind = 'r' ORDER BY relname"
    )
    assert owners == [
        (table, "supabase_auth_admin")
        for table in ("identities", "refresh_tokens", "sessions", "users")
    ]
    config = fetch("SELECT rolconfig FROM pg_roles WHERE rolname = 'supabase_auth_admin'")
    assert config == [(["search_path=auth"],)]


def test_supabase_auth_admin__has_no_rights_on_public():
    rights = fetch(
        "SELECT has_schema_privilege('supabase_auth_admin', 'public', 'USAGE'), "
        "has_schema_privilege('supabase_auth_admin', 'public', 'CREATE')"
    )
    assert rights == [(False, False)]


def test_trigger_function__is_security_definer_with_empty_search_path_and_no_api_execute():
    rows = fetch(
        """
        SELECT p.proname, p.prosecdef, p.proconfig,
               has_function_privilege('anon', p.oid, 'EXECUTE'),
               has_function_privilege('authenticated', p.oid, 'EXECUTE')
          FROM pg_proc p
         WHERE p.pronamespace = 'public'::regnamespace
           AND p.proname IN ('create_user_profile', 'fill_profile_sso_identity',
                             'sync_profile_last_login', 'sync_profile_display_fields')
         ORDER BY p.proname
        """
    )
    assert rows == [
        ("create_user_profile", True, ['search_path=""'], False, False),
        ("fill_profile_sso_identity", True, ['search_path=""'], False, False),
        (
            "sync_profile_display_fields",
            True,
            ['search_path=""', "lock_timeout=200ms"],
            False,
            False,
        ),
        (
            "sync_profile_last_login",
            True,
            ['search_path=""', "lock_timeout=200ms"],
            False,
            False,
        ),
    ]


def test_display_trigger__fires_after_a_change_of_the_mappable_auth_fields_and_is_enabled():
    rows = fetch(
        "SELECT pg_get_triggerdef(oid), tgenabled FROM pg_trigger "
        "WHERE tgname = 'on_auth_user_display_changed'"
    )
    assert rows == [
        (
            "CREATE TRIGGER on_auth_user_display_changed AFTER UPDATE OF email, phone, "
            "raw_user_meta_data, raw_app_meta_data ON auth.users FOR EACH ROW WHEN "
            "((((old.email)::text IS DISTINCT FROM (new.email)::text) OR "
            "(old.phone IS DISTINCT FROM new.phone) OR "
            "(old.raw_user_meta_data IS DISTINCT FROM new.raw_user_meta_data) OR "
            "(old.raw_app_meta_data IS DISTINCT FROM new.raw_app_meta_data))) "
            "EXECUTE FUNCTION sync_profile_display_fields()",
            "O",
        )
    ]


def test_signin_trigger__fires_after_a_change_of_last_sign_in_at_and_is_enabled():
    rows = fetch(
        "SELECT pg_get_triggerdef(oid), tgenabled FROM pg_trigger "
        "WHERE tgname = 'on_auth_user_signed_in'"
    )
    assert rows == [
        (
            "CREATE TRIGGER on_auth_user_signed_in AFTER UPDATE OF last_sign_in_at ON auth.users "
            "FOR EACH ROW WHEN ((new.last_sign_in_at IS DISTINCT FROM old.last_sign_in_at)) "
            "EXECUTE FUNCTION sync_profile_last_login()",
            "O",
        )
    ]


def test_trigger__is_after_insert_for_each_row_on_auth_users_and_enabled():
    rows = fetch(
        "SELECT pg_get_triggerdef(oid), tgenabled FROM pg_trigger "
        "WHERE tgname = 'on_auth_user_created'"
    )
    assert rows == [
        (
            "CREATE TRIGGER on_auth_user_created AFTER INSERT ON auth.users FOR EACH ROW "
            "EXECUTE FUNCTION create_user_profile()",
            "O",
        )
    ]


def test_profile_rule_views__are_ours_and_bind_their_tables_at_creation():
    # A view names its tables by oid: no caller's search_path can redirect it, which
    # is what lets the triggers' empty search_path read it.
    rows = fetch(
        """
        SELECT c.oid::regclass::text, pg_get_userbyid(c.relowner) = current_user,
               array_agg(DISTINCT t.relnamespace::regnamespace::text || '.' || t.relname)
          FROM pg_class c
          JOIN pg_rewrite r ON r.ev_class = c.oid
          JOIN pg_depend d ON d.objid = r.oid AND d.refobjid <> c.oid
               AND d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass
          JOIN pg_class t ON t.oid = d.refobjid
         WHERE c.relkind = 'v' AND c.relnamespace = 'usersync'::regnamespace
         GROUP BY 1, 2 ORDER BY 1
        """
    )
    assert rows == [
        (
            "usersync.new_profiles",
            True,
            ["auth.identities", "usersync.profile_settings", "usersync.user_accounts"],
        ),
        ("usersync.profile_defaults", True, ["usersync.new_profiles"]),
        ("usersync.profile_resets", True, ["usersync.new_profiles"]),
        ("usersync.profile_sync", True, ["usersync.new_profiles"]),
        (
            "usersync.user_accounts",
            True,
            ["auth.users", "public.user_profiles", "usersync.profile_settings"],
        ),
    ]
