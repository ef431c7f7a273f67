"""The commands as real processes: exit codes, one-line errors on stderr, no traceback,
the progress bar only on a terminal."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import struct
import subprocess
import sys
import termios

import pytest
from django.db import connection

from tests.helpers import (
    ROOT,
    database_url_for_tests,
    failure_stdout_is_quiet_or_one_json_error,
    manage,
)
from usersync.models import UserProfile

CLOSED_PORT_URL = "postgres://postgres:s3cret-password@127.0.0.1:1/usersync"

COMMANDS = [
    ["sync_status"],
    ["sync_status", "--json"],
    ["sync_users"],
    ["sync_users", "--dry-run", "--json"],
    ["create_profile", "123e4567-e89b-12d3-a456-426614174000"],
    ["preservation_report"],
    ["verify_migration"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_unreachable_database__exits_2_with_one_line_and_no_password(args):
    result = manage(*args, database_url=CLOSED_PORT_URL)
    assert result.returncode == 2
    assert failure_stdout_is_quiet_or_one_json_error(result, args)
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("CommandError: cannot connect to the database at 127.0.0.1:1/usersync:")
    assert "s3cret-password" not in result.stderr


def test_bad_argument_from_the_command_line__with_json_is_also_a_json_error():
    args = ["sync_users", "--json", "--batch-size", "-1"]
    result = manage(*args, database_url=CLOSED_PORT_URL)
    assert result.returncode == 2
    assert failure_stdout_is_quiet_or_one_json_error(result, args)


def test_bad_argument_from_the_command_line__is_one_line_exit_2():
    result = manage("sync_users", "--batch-size", "-1", database_url=CLOSED_PORT_URL)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.strip().splitlines() == [
        "manage.py sync_users: error: argument --batch-size: expected a number of at least 1, "
        "got -1"
    ]


@pytest.mark.django_db(transaction=True)
def test_role_without_rights__is_told_which_privilege_is_missing(auth_user_factory):
    auth_user_factory(with_profile=False)
    with connection.cursor() as cursor:
        cursor.execute(
            "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'usersync_nobody') "
            "THEN CREATE ROLE usersync_nobody LOGIN; END IF; END $$"
        )
        cursor.execute("GRANT USAGE ON SCHEMA public, auth, usersync TO usersync_nobody")
    try:
        for args in (["sync_status"], ["sync_users"]):
            result = manage(*args, database_url=database_url_for_tests(user="usersync_nobody"))
            assert result.returncode == 2, result.stderr
            (line,) = result.stderr.strip().splitlines()
            assert line.startswith("CommandError: permission denied: role usersync_nobody cannot")
            assert "connect as postgres, or grant it SELECT on auth.users" in line
    finally:
        with connection.cursor() as cursor:
            cursor.execute("REVOKE USAGE ON SCHEMA public, auth, usersync FROM usersync_nobody")
    assert UserProfile.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_json__is_exactly_one_document_on_stdout(auth_user_factory):
    auth_user_factory(with_profile=False)
    result = manage("sync_users", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["created"] == 1
    assert "users" not in result.stderr  # no progress bar


@pytest.mark.django_db(transaction=True)
def test_progress_bar__is_drawn_on_a_terminal_only(auth_user_factory):
    for _ in range(3):
        auth_user_factory(with_profile=False)
    controller, terminal = pty.openpty()
    # A new pty is 0 columns wide, and tqdm draws nothing in no width.
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(ENABLE_DEVELOPMENT_MODE="true", DATABASE_URL=database_url_for_tests())
    process = subprocess.run(
        [sys.executable, "manage.py", "sync_users", "--batch-size", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=terminal,
        text=True,
        timeout=60,
    )
    os.close(terminal)
    drawn = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:
            break
        if not chunk:
            break
        drawn += chunk
    os.close(controller)
    assert process.returncode == 0
    assert b"users/s" in drawn
    assert "created 3 profiles" in process.stdout
