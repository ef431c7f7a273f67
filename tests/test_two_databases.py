"""Supabase as a second database: Django's own tables in a SQLite file ("default"),
usersync's in a PostgreSQL database ("supabase", with the local stand-in), as a host
project would run them (tests/settings_two_databases.py, manage.py in subprocesses)."""

from __future__ import annotations

import json
import sqlite3
import subprocess

import psycopg
import pytest
from psycopg import sql

from tests.db import connection_params
from tests.helpers import database_url_for_tests, manage

pytestmark = pytest.mark.slow

DJANGOS_TABLES = {"auth_user", "django_session", "django_admin_log", "django_content_type"}
USERSYNCS_TABLES = {
    "user_profiles",
    "user_activity_log",
    "admin_audit_log",
    "chat_error_log",
    "usersync_staff_links",
}

# Run by `manage.py shell -c`: a superuser in default logs into the admin, loads usersync's
# pages and changes a role through it, links a staff account and deletes it, calls the
# health URLs and the API; prints what it saw as one JSON line.
ADMIN_SCRIPT = """
import json

from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.test import Client, RequestFactory
from django.test.utils import setup_test_environment

from tests.tokens import bearer, make_token
from usersync.models import AdminAuditLog, AuthUser, StaffLink, UserProfile
from usersync.logs.audit import Actor
from usersync.staff.identity import set_link

setup_test_environment()
User.objects.create_superuser("root", "root@example.com", "pw")
client = Client()
# The request is for django-axes, which throttles by address.
logged_in = client.login(
    request=RequestFactory().post("/admin/login/"), username="root", password="pw"
)
profile = UserProfile.objects.filter(user__is_anonymous=False).order_by("created_at").first()
change = f"/admin/usersync/userprofile/{profile.pk}/change/"
urls = [
    "/admin/",
    "/admin/usersync/",
    "/admin/usersync/userprofile/",
    "/admin/usersync/userwithoutprofile/",
    change,
    "/admin/users/health-check",
    "/health",
]
pages = {url: client.get(url).status_code for url in urls}
saved = client.post(change, {"role": "admin", "reason": "two databases"})
alice = User.objects.create_user("alice", "", "pw", is_staff=True)
set_link(alice, AuthUser.objects.exclude(pk=profile.user_id).first().pk, Actor("admin:root"))
pages["/admin/usersync/stafflink/"] = client.get("/admin/usersync/stafflink/").status_code
links_before = StaffLink.objects.count()
alice.delete()
api = client.get("/api/users/", headers=bearer(make_token(profile.user_id)))
print(json.dumps({
    "logged_in": logged_in,
    "pages": pages,
    "role_change": saved.status_code,
    "role": UserProfile.objects.get(pk=profile.pk).role,
    "audited": list(AdminAuditLog.objects.order_by("id").values_list("action", flat=True)),
    "admin_log": list(LogEntry.objects.values_list("object_id", flat=True)),
    "links": [links_before, StaffLink.objects.count()],
    "api": [api.status_code, len(api.json()["results"])],
    "profile": str(profile.pk),
    "user": str(profile.user_id),
}))
"""


@pytest.fixture(scope="module")
def two_databases(django_db_setup, django_db_blocker, tmp_path_factory):
    """A scratch PostgreSQL database on the test server (dropped afterwards) and a SQLite
    file, both migrated, with 20 demo sign-ups of which 10 have no profile."""
    with django_db_blocker.unblock():
        params = connection_params()
        test_url = database_url_for_tests()
    name = f"{params['dbname']}_two_databases"
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    with psycopg.connect(**params, autocommit=True) as conn:
        conn.execute(drop)
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    sqlite_file = tmp_path_factory.mktemp("two_databases") / "default.sqlite3"
    setup = TwoDatabases(
        database_url=test_url.rsplit("/", 1)[0] + f"/{name}",
        postgres={**params, "dbname": name},
        sqlite_file=str(sqlite_file),
    )
    try:
        setup.run_ok("migrate")
        setup.unmigrated_status = setup.run("sync_status")
        setup.run_ok("migrate", "--database", "supabase")
        setup.run_ok("seed_demo_users", "20", "--without-profiles", "50%")
        yield setup
    finally:
        with psycopg.connect(**params, autocommit=True) as conn:
            conn.execute(drop)


class TwoDatabases:
    def __init__(self, database_url: str, postgres: dict, sqlite_file: str):
        self.database_url = database_url
        self.postgres = postgres
        self.sqlite_file = sqlite_file
        # `sync_status` after `migrate` but before `migrate --database supabase`.
        self.unmigrated_status: subprocess.CompletedProcess | None = None

    def run(self, *args: str):
        return manage(
            *args,
            database_url=self.database_url,
            DJANGO_SETTINGS_MODULE="tests.settings_two_databases",
            TWO_DATABASES_SQLITE=self.sqlite_file,
        )

    def run_ok(self, *args: str) -> str:
        result = self.run(*args)
        assert result.returncode == 0, f"{' '.join(args)}: {result.stderr}"
        return result.stdout

    def postgres_tables(self) -> set[str]:
        with psycopg.connect(**self.postgres) as conn:
            rows = conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
            ).fetchall()
        return {name for (name,) in rows}

    def postgres_value(self, query: str):
        with psycopg.connect(**self.postgres) as conn:
            return conn.execute(query).fetchone()[0]

    def sqlite_tables(self) -> set[str]:
        with sqlite3.connect(self.sqlite_file) as conn:
            rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        return {name for (name,) in rows}


def test_migrate__puts_djangos_tables_in_default_and_usersyncs_in_supabase(two_databases):
    in_postgres, in_sqlite = two_databases.postgres_tables(), two_databases.sqlite_tables()
    assert in_postgres >= USERSYNCS_TABLES
    assert not DJANGOS_TABLES & in_postgres
    assert in_sqlite >= DJANGOS_TABLES
    assert not USERSYNCS_TABLES & in_sqlite
    assert two_databases.postgres_value("SELECT to_regclass('auth.users') IS NOT NULL")


def test_commands__before_usersyncs_migrate_name_its_database(two_databases):
    result = two_databases.unmigrated_status
    assert result.returncode == 2
    assert result.stderr.strip().endswith("run: python manage.py migrate --database supabase")


def test_migrate__locks_down_the_tables_beside_usersyncs_in_supabase(two_databases):
    # post_migrate ran on the alias it was given: the SQLite default was left alone, and
    # in the Supabase database the tables the REST API must not serve have RLS on.
    rls = two_databases.postgres_value(
        "SELECT array_agg(relname::text ORDER BY relname) FROM pg_class "
        "WHERE relnamespace = 'public'::regnamespace AND relrowsecurity "
        "AND relname IN ('django_migrations', 'usersync_staff_links')"
    )
    assert rls == ["django_migrations", "usersync_staff_links"]


def test_commands__sync_and_verify_the_supabase_database(two_databases):
    two_databases.run_ok("sync_users")
    status = json.loads(two_databases.run_ok("sync_status", "--json"))
    assert (status["total_auth_users"], status["missing_profiles"]) == (20, 0)
    assert two_databases.postgres_value("SELECT count(*) FROM public.user_profiles") == 20
    assert "Migration verification passed" in two_databases.run_ok("verify_migration")


def test_admin_health_and_api__read_each_table_from_its_own_database(two_databases):
    result = json.loads(two_databases.run_ok("shell", "-c", ADMIN_SCRIPT).splitlines()[-1])
    assert result["logged_in"]
    assert set(result["pages"].values()) == {200}, result["pages"]
    assert (result["role_change"], result["role"]) == (302, "admin")
    # usersync's audit log in Supabase, Django's admin log (Recent actions: about the
    # auth user, linking to the per-user page) in default.
    assert result["audited"] == ["role_changed", "staff_link_set"]
    assert result["admin_log"] == [result["user"]]
    with sqlite3.connect(two_databases.sqlite_file) as conn:
        assert conn.execute("SELECT object_id FROM django_admin_log").fetchall() == [
            (result["user"],)
        ]
    # A staff account deleted in default takes its link in Supabase with it.
    assert result["links"] == [1, 0]
    assert result["api"] == [200, 20]


def test_migrate_zero__is_guarded_only_where_usersyncs_tables_are(two_databases):
    profiles = two_databases.postgres_value("SELECT count(*) FROM public.user_profiles")
    # Unapplying in default drops nothing (usersync has no tables there): not refused.
    two_databases.run_ok("migrate", "usersync", "zero")
    refused = two_databases.run("migrate", "--database", "supabase", "usersync", "zero")
    assert refused.returncode == 1
    assert f"refusing to drop public.user_profiles: it holds {profiles} rows" in refused.stderr
    assert two_databases.postgres_value("SELECT count(*) FROM public.user_profiles") == profiles
    two_databases.run_ok("migrate")
