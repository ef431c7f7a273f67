"""Row level security, checked with real role switches and JWT claims as PostgREST
sets them, on a database carrying Supabase's default privileges."""

from __future__ import annotations

import psycopg
import pytest

from tests.db import as_api_role
from usersync.db.lockdown import django_table_names

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_users(auth_user_factory):
    return auth_user_factory(), auth_user_factory()


def test_authenticated_user__sees_only_their_own_profile(two_users):
    me, _other = two_users
    with as_api_role("authenticated", sub=str(me.pk)) as conn:
        rows = conn.execute("SELECT user_id FROM public.user_profiles").fetchall()
    assert rows == [(me.pk,)]


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE public.user_profiles SET role = 'admin'",
        "UPDATE public.user_profiles SET is_active = true, deactivated_at = NULL",
        "DELETE FROM public.user_profiles",
        "INSERT INTO public.user_profiles (user_id) VALUES (gen_random_uuid())",
        "TRUNCATE public.user_profiles",
    ],
)
def test_authenticated_user__cannot_change_what_decides_access(two_users, statement):
    me, _ = two_users
    with (
        as_api_role("authenticated", sub=str(me.pk)) as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        conn.execute(statement)


def test_anon__reads_no_profile(two_users):
    with as_api_role("anon") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("SELECT count(*) FROM public.user_profiles")


@pytest.mark.parametrize("role", ["anon", "authenticated"])
@pytest.mark.parametrize(
    "table", ["public.user_activity_log", "public.admin_audit_log", "public.chat_error_log"]
)
def test_api_roles__read_and_write_no_log(two_users, role, table):
    me, _ = two_users
    for statement in (f"SELECT count(*) FROM {table}", f"DELETE FROM {table}"):
        with (
            as_api_role(role, sub=str(me.pk)) as conn,
            pytest.raises(psycopg.errors.InsufficientPrivilege),
        ):
            conn.execute(statement)


def test_service_role__bypasses_row_level_security(two_users):
    with as_api_role("service_role") as conn:
        count = conn.execute("SELECT count(*) FROM public.user_profiles").fetchone()[0]
    assert count == 2


@pytest.mark.parametrize("role", ["anon", "authenticated"])
def test_djangos_own_tables__are_unreachable_by_api_roles(role, two_users):
    tables = django_table_names()
    assert {"auth_user", "django_session", "django_admin_log", "django_migrations"} <= set(tables)
    for table in tables:
        with (
            as_api_role(role, sub=str(two_users[0].pk)) as conn,
            pytest.raises(psycopg.errors.InsufficientPrivilege),
        ):
            conn.execute(f"SELECT * FROM public.{table} LIMIT 1")


def test_new_tables_in_public__would_be_granted_to_anon_by_default():
    """The stand-in carries Supabase's default privileges, so the test above means something."""
    with as_api_role("service_role") as conn:
        conn.execute("RESET ROLE")
        conn.execute("CREATE TABLE public.test_default_grants (id int)")
        granted = conn.execute(
            "SELECT has_table_privilege('anon', 'public.test_default_grants', 'SELECT')"
        ).fetchone()[0]
    assert granted is True
