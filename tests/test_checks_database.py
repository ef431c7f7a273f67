"""usersync.W006: a database on Supabase's transaction pooler port (6543) with Django's
server-side cursors left on."""

from __future__ import annotations

import pytest
from django.core import checks

from tests.helpers import manage
from usersync.checks.database import W006, check_transaction_pooler, transaction_pooler_warnings

POSTGRES = "django.db.backends.postgresql"


@pytest.mark.parametrize("port", [6543, "6543"])
def test_w100__warns_for_the_transaction_pooler_port_with_server_side_cursors(port):
    (warning,) = transaction_pooler_warnings({"supabase": {"ENGINE": POSTGRES, "PORT": port}})
    assert warning.id == W006
    assert warning.level == checks.WARNING
    assert "DATABASES['supabase']" in warning.msg
    assert "DISABLE_SERVER_SIDE_CURSORS" in warning.hint


@pytest.mark.parametrize(
    "database",
    [
        {"ENGINE": POSTGRES, "PORT": 6543, "DISABLE_SERVER_SIDE_CURSORS": True},
        {"ENGINE": POSTGRES, "PORT": 5432},
        {"ENGINE": POSTGRES, "PORT": ""},
        {"ENGINE": "django.db.backends.sqlite3", "PORT": 6543},
    ],
)
def test_w100__is_silent_otherwise(database):
    assert transaction_pooler_warnings({"default": database}) == []


def test_w100__reads_a_port_given_in_options():
    databases = {"default": {"ENGINE": POSTGRES, "OPTIONS": {"port": 6543}}}
    assert [w.id for w in transaction_pooler_warnings(databases)] == [W006]


def test_w100__is_registered():
    assert check_transaction_pooler in checks.registry.registry.get_checks()


POOLER_URL = "postgres://postgres.projectref:pw@127.0.0.1:6543/postgres"


def test_project__turns_server_side_cursors_off_on_port_6543_so_check_is_clean():
    result = manage("check", database_url=POOLER_URL)
    assert result.returncode == 0, result.stderr
    assert W006 not in result.stderr + result.stdout


def test_check__warns_when_the_project_turns_them_back_on():
    result = manage("check", database_url=POOLER_URL, DATABASE_DISABLE_SERVER_SIDE_CURSORS="false")
    assert result.returncode == 0
    assert f"?: ({W006}) DATABASES['default'] uses port 6543" in result.stderr
