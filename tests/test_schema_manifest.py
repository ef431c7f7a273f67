"""Verification expects what the SQL files the migrations run create: a new file or a
new version of one is verified without verify.py being edited."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.db import connection

from usersync.db.sql import migrations_sql_dir
from usersync.schema import manifest as schema_manifest
from usersync.schema import verify as schema
from usersync.schema.ddl import argument_types

NEW_FUNCTION = """
-- A function a later version of usersync might add.
CREATE OR REPLACE FUNCTION usersync.example_rule(value text, times integer DEFAULT 1)
RETURNS text
LANGUAGE sql
IMMUTABLE
SET search_path = ''
AS $function$
    SELECT repeat(value, times)
$function$;
REVOKE EXECUTE ON FUNCTION usersync.example_rule(text, integer) FROM PUBLIC;
"""


@pytest.fixture
def sql_dir(tmp_path: Path) -> Path:
    """A copy of migrations_sql/ to add files to."""
    shutil.copytree(migrations_sql_dir(), tmp_path, dirs_exist_ok=True)
    return tmp_path


def test_migration_files__are_those_the_migrations_run_in_their_order():
    files = schema_manifest.migration_files()
    assert files[0] == "usersync_tables.v1"
    assert files.index("profile_trigger.v1") < files.index("profile_rules.v1")
    assert files.index("profile_rules.v1") < files.index("profile_trigger.v2")
    assert "supabase_standin.v1" not in files  # the stand-in app's, not ours


def test_newest_versions__keep_each_familys_newest_at_its_place():
    names = ["tables.v1", "trigger.v1", "rules.v1", "trigger.v2", "tables.v2", "lock"]
    assert schema_manifest.newest_versions(names) == ["rules.v1", "trigger.v2", "tables.v2", "lock"]


def test_manifest__reads_the_trigger_functions_from_the_newest_version():
    expected = schema_manifest.manifest()
    assert "profile_trigger.v1" not in expected.files
    functions = {f: (e.definer, e.source) for f, e in expected.functions.items()}
    assert functions["public.create_user_profile()"] == (
        True,
        "migrations_sql/profile_trigger.v4.sql",
    )
    assert functions["public.sync_profile_display_fields()"] == (
        True,
        "migrations_sql/display_fields.v1.sql",
    )
    assert functions["usersync.fill_display_fields(uuid[])"] == (
        False,
        "migrations_sql/display_fields.v1.sql",
    )
    assert functions["public.user_profiles_touch_updated_at()"][0] is False
    assert functions["public.sync_profile_last_login()"] == (
        True,
        "migrations_sql/signin_trigger.v1.sql",
    )
    assert functions["usersync.fill_profiles(uuid[])"][1] == "migrations_sql/profile_rules.v5.sql"
    assert "profile_rules.v4" not in expected.files
    assert "status_counts.v2" in expected.files and "status_counts.v1" not in expected.files
    assert [t.definition for k, t in expected.triggers.items() if t.name.endswith("signed_in")] == [
        "AFTER UPDATE OF last_sign_in_at ON auth.users FOR EACH ROW "
        "WHEN (NEW.last_sign_in_at IS DISTINCT FROM OLD.last_sign_in_at) "
        "EXECUTE FUNCTION public.sync_profile_last_login()"
    ]
    assert expected.views == [
        "usersync.profile_trigger_state",
        "usersync.user_accounts",
        "usersync.new_profiles",
        "usersync.profile_defaults",
        "usersync.profile_sync",
        "usersync.profile_resets",
        "usersync.signin_trigger_state",
    ]


def test_manifest__expects_a_function_from_a_new_file(sql_dir):
    (sql_dir / "example_rules.v1.sql").write_text(NEW_FUNCTION)
    names = [*schema_manifest.migration_files(), "example_rules.v1"]
    function = schema_manifest.read(names, sql_dir).functions[
        "usersync.example_rule(text, integer)"
    ]
    assert (function.definer, function.source) == (False, "migrations_sql/example_rules.v1.sql")


def test_manifest__a_v2_replaces_what_v1_expected(sql_dir):
    newer = (sql_dir / "profile_rules.v1.sql").read_text().replace("profile_sync", "profile_fills")
    (sql_dir / "profile_rules.v9.sql").write_text(newer)
    names = [*schema_manifest.migration_files(), "profile_rules.v9"]
    expected = schema_manifest.read(names, sql_dir)
    assert "profile_rules.v1" not in expected.files
    assert "profile_rules.v3" not in expected.files
    assert expected.views == [
        "usersync.profile_trigger_state",
        "usersync.signin_trigger_state",
        "usersync.profile_defaults",
        "usersync.profile_fills",
    ]


@pytest.mark.parametrize(
    "arguments, types",
    [
        ("", ""),
        ("user_id uuid, app_meta jsonb DEFAULT NULL", "uuid, jsonb"),
        ("IN n integer, OUT total bigint", "integer"),
        ("character varying", "character varying"),
    ],
)
def test_argument_types__as_to_regprocedure_reads_them(arguments, types):
    assert argument_types(arguments) == types


# Added by staff_links.v1.sql only where Django's auth_user shares the database (a DO
# block the manifest does not read), as it does in the test database.
CONDITIONAL_KEYS = {
    "FOREIGN KEY (user_id) REFERENCES auth_user(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED"
}


@pytest.mark.django_db
def test_manifest__columns_and_keys_read_from_the_sql_are_the_catalogs():
    for table in schema_manifest.manifest().tables.values():
        with connection.cursor() as cursor:
            cursor.execute(schema.query("verify_columns"), {"table": table.name})
            columns = {row[0]: tuple(row[1:]) for row in cursor.fetchall()}
            cursor.execute(schema.query("verify_constraints"), {"table": table.name})
            keys = {schema._unqualified(row[0]) for row in cursor.fetchall()}
        assert (table.name, columns) == (table.name, table.columns)
        expected = {schema._unqualified(k) for k in table.keys}
        assert (table.name, keys - CONDITIONAL_KEYS) == (table.name, expected)


@pytest.mark.django_db
def test_verify__checks_a_function_added_in_a_new_file_and_repair_creates_it(sql_dir, monkeypatch):
    (sql_dir / "example_rules.v1.sql").write_text(NEW_FUNCTION)
    names = [*schema_manifest.migration_files(), "example_rules.v1"]
    expected = schema_manifest.read(names, sql_dir)
    monkeypatch.setattr(schema, "manifest", lambda: expected)
    monkeypatch.setattr(schema, "migration_sql", lambda name: (sql_dir / f"{name}.sql").read_text())
    name = "function usersync.example_rule(text, integer)"

    failing = {c.name: c.detail for c in schema.verify().failures}
    assert failing == {name: "missing"}

    schema.repair()
    assert schema.verify().ok
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE OR REPLACE FUNCTION usersync.example_rule(value text, "
            "times integer DEFAULT 1) RETURNS text LANGUAGE sql IMMUTABLE "
            "SET search_path = '' AS $$ SELECT value $$"
        )
    failing = {c.name: c.detail for c in schema.verify().failures}
    assert failing == {name: "body differs from migrations_sql/example_rules.v1.sql"}
