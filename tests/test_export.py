"""export_supabase_migration: one idempotent Supabase CLI migration made from the SQL files
`migrate` applies, round-tripped on a fresh database that has only an auth schema."""

from __future__ import annotations

import contextlib
import json
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from io import StringIO

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from tests.helpers import manage
from usersync.db.sql import migration_sql
from usersync.errors import BadInput
from usersync.schema import export

NAME_PATTERN = re.compile(r"^\d{14}_usersync\.sql$")


def exported_text(tmp_path) -> tuple[str, str]:
    out = StringIO()
    call_command("export_supabase_migration", "--output", str(tmp_path), stdout=out)
    (path,) = tmp_path.iterdir()
    assert out.getvalue().strip() == f"Wrote {path}"
    return path.name, path.read_text()


def test_export__is_named_as_the_supabase_cli_expects(tmp_path):
    before = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    name, _ = exported_text(tmp_path)
    after = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    assert NAME_PATTERN.match(name)
    assert before <= name[:14] <= after


def test_export__holds_usersyncs_forward_files_in_migrate_order_and_nothing_else(tmp_path):
    _, text = exported_text(tmp_path)
    files = ["usersync_tables.v1", "row_level_security.v1", "profile_trigger.v1"]
    positions = [text.index(migration_sql(name).strip()) for name in files]
    assert positions == sorted(positions)
    assert migration_sql("admin_indexes.v1").strip() in text
    assert migration_sql("supabase_standin.v1").strip() not in text
    assert migration_sql("staff_links.v1").strip() in text
    assert migration_sql("lock_down_django_tables").strip() not in text
    assert [f.name for f in export.exported_files()] == [
        *files,
        "staff_links.v1",
        "admin_indexes.v1",
        "profile_rules.v1",
        "profile_trigger.v2",
        "access_token_hook.v1",
        "profile_rules.v2",
        "status_counts.v1",
        "profile_trigger_state.v1",
        "profile_rules.v3",
        "profile_trigger.v3",
        "profile_rules.v4",
        "signin_trigger.v1",
        "profile_settings_guard.v1",
        "access_token_hook.v2",
        "profile_rules.v5",
        "status_counts.v2",
        "display_fields.v1",
        "profile_trigger.v4",
        "sync_watermark.v1",
        "profile_indexes.v1",
        "signin_trigger_state.v1",
    ]


def test_export__header_says_what_it_is_and_where_it_comes_from(tmp_path):
    _, text = exported_text(tmp_path)
    header = text.split("\n\n", 1)[0]
    assert header.startswith(f"-- usersync {export.version()}: every database object")
    assert "--   profile_trigger.v1.sql (migration usersync.0003_profile_trigger)" in header
    assert "--   staff_links.v1.sql (migration usersync.0004_staff_links)" in header
    assert export.version() != "unknown"


def test_export__to_stdout_with_output_dash():
    out = StringIO()
    call_command("export_supabase_migration", "--output", "-", stdout=out)
    assert out.getvalue() == export.render()


def test_export__never_overwrites_an_existing_file(tmp_path):
    now = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    existing = tmp_path / "20260102030405_usersync.sql"
    existing.write_text("-- the team's own edits")
    with pytest.raises(BadInput, match="already exists; it is never overwritten"):
        export.write(tmp_path, now=now)
    assert existing.read_text() == "-- the team's own edits"


def test_export_command__makes_a_missing_directory_as_mkdir_p(tmp_path):
    # No database is needed: the closed port proves it is never reached.
    folder = tmp_path / "supabase" / "migrations"
    result = manage(
        "export_supabase_migration",
        "--output",
        str(folder),
        database_url="postgres://postgres@127.0.0.1:1/usersync",
    )
    assert result.returncode == 0, result.stderr
    (written,) = folder.iterdir()
    assert written.name.endswith("_usersync.sql")


def test_export_command__refuses_a_file_in_place_of_the_directory_with_one_line_exit_2(
    tmp_path,
):
    (tmp_path / "taken").write_text("")
    result = manage(
        "export_supabase_migration",
        "--output",
        str(tmp_path / "taken"),
        database_url="postgres://postgres@127.0.0.1:1/usersync",
    )
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.strip().splitlines() == [
        f"CommandError: {tmp_path / 'taken'} is not a directory"
    ]


@contextlib.contextmanager
def scratch_database() -> Iterator[tuple[dict, str]]:
    """A new, empty database on the test server with only the local stand-in's auth schema
    (as a Supabase project has), dropped afterwards."""
    connection.ensure_connection()
    params = {
        k: v
        for k, v in connection.get_connection_params().items()
        if k in {"host", "port", "user", "password"}
    }
    name = f"usersync_export_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(**params, dbname="postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        with psycopg.connect(**params, dbname=name, autocommit=True) as conn:
            conn.execute(migration_sql("supabase_standin.v1"))
        url = f"postgres://{params['user']}@{params['host']}:{params['port']}/{name}"
        yield params | {"dbname": name}, url
    finally:
        with psycopg.connect(**params, dbname="postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def apply(params: dict, sql: str) -> None:
    """As psql -f or the Supabase CLI would: the whole file, in one transaction."""
    with psycopg.connect(**params) as conn:
        conn.execute(sql)


def verify(url: str) -> dict:
    result = manage("verify_migration", "--e2e", "--json", database_url=url)
    assert result.stderr == ""
    report = json.loads(result.stdout)
    failures = [c for c in report["checks"] + report["e2e"] if not c["ok"]]
    assert (result.returncode, failures) == (0, [])
    return report


def sign_up(params: dict) -> uuid.UUID:
    user_id = uuid.uuid4()
    with psycopg.connect(**params, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO auth.users (id, aud, role, email, raw_app_meta_data) VALUES "
            "(%s, 'authenticated', 'authenticated', %s, '{\"provider\": \"email\"}')",
            [user_id, f"{user_id.hex[:8]}@example.com"],
        )
    return user_id


def profile_role(params: dict, user_id: uuid.UUID) -> str | None:
    with psycopg.connect(**params) as conn:
        row = conn.execute(
            "SELECT role FROM public.user_profiles WHERE user_id = %s", [user_id]
        ).fetchone()
    return row[0] if row else None


@pytest.mark.django_db
def test_export__applied_twice_to_a_fresh_supabase_database_passes_verify_migration(tmp_path):
    _, text = exported_text(tmp_path)
    with scratch_database() as (params, url):
        apply(params, text)
        user_id = sign_up(params)
        apply(params, text)  # harmless: nothing fails, nothing is lost
        assert profile_role(params, user_id) == "user"
        report = verify(url)
        assert report["groups"] == {
            "tables": True,
            "triggers": True,
            "functions": True,
            "security": True,
        }
        assert len(report["e2e"]) == 3


@pytest.mark.django_db
def test_migrate__runs_over_a_database_the_export_was_applied_to(tmp_path):
    _, text = exported_text(tmp_path)
    with scratch_database() as (params, url):
        apply(params, text)
        user_id = sign_up(params)
        result = manage("migrate", "--no-input", database_url=url)
        assert result.returncode == 0, result.stderr
        assert profile_role(params, user_id) == "user"
        with psycopg.connect(**params) as conn:
            applied = conn.execute(
                "SELECT name FROM django_migrations WHERE app = 'usersync' ORDER BY name"
            ).fetchall()
            staff_links = conn.execute(
                "SELECT to_regclass('public.usersync_staff_links') IS NOT NULL"
            ).fetchone()[0]
        on_disk = MigrationLoader(None).disk_migrations
        assert [name for (name,) in applied] == sorted(n for a, n in on_disk if a == "usersync")
        assert staff_links  # the Django-side object, made by migrate
        verify(url)
