"""Django's tables are locked down only where Supabase's REST API could serve them."""

from __future__ import annotations

import pytest
from django.db import connection

from usersync.db.lockdown import lock_down_django_tables

pytestmark = pytest.mark.django_db


def _row_level_security(table: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT relrowsecurity FROM pg_class WHERE oid = to_regclass(%s)", [table])
        return cursor.fetchone()[0]


def test_lock_down__leaves_a_database_without_auth_users_alone():
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE public.django_session DISABLE ROW LEVEL SECURITY")
        cursor.execute("ALTER TABLE auth.users RENAME TO users_elsewhere")
    lock_down_django_tables("default")
    assert not _row_level_security("public.django_session")
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE auth.users_elsewhere RENAME TO users")
    lock_down_django_tables("default")
    assert _row_level_security("public.django_session")
