"""Running manage.py as a user would: a real process, by default against the test
database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
# Variables of this test process that would leak into the command's configuration.
TEST_ONLY = {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "SECRET_KEY", "SUPABASE_URL"}


def database_url_for_tests(user: str | None = None) -> str:
    """A DATABASE_URL naming the test database (also when the embedded server runs it)."""
    connection.ensure_connection()
    params = connection.get_connection_params()
    return (
        f"postgres://{user or params['user']}@{params['host']}:{params['port']}/{params['dbname']}"
    )


def manage(
    *args: str,
    database_url: str | None = None,
    input: str | None = None,
    unset: Iterable[str] = (),
    timeout: float = 120,
    **env: str,
) -> subprocess.CompletedProcess:
    """Run manage.py in development mode against `database_url` (default: the test
    database; "" for none, i.e. the embedded default), with `env` added and `unset` removed."""
    environment = {k: v for k, v in os.environ.items() if k not in TEST_ONLY}
    environment["ENABLE_DEVELOPMENT_MODE"] = "true"
    if database_url is None:
        database_url = database_url_for_tests()
    if database_url:
        environment["DATABASE_URL"] = database_url
    for name in unset:
        environment.pop(name, None)
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        input=input,
    )


def start_sync(database_url: str, batch_size: int, lease_seconds: int = 2) -> subprocess.Popen:
    """A `sync_users` process in the background, for tests that kill or crash it midway
    (a short lease, so that the rerun need not wait a minute)."""
    return subprocess.Popen(
        [sys.executable, "manage.py", "sync_users", "--batch-size", str(batch_size)],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "ENABLE_DEVELOPMENT_MODE": "true",
            "DATABASE_URL": database_url,
            "USERSYNC_LEASE_SECONDS": str(lease_seconds),
            # Shorter than the lease, as the system checks require (usersync.W002).
            "USERSYNC_STATEMENT_TIMEOUT": str(max(1, lease_seconds - 1)),
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def failure_stdout_is_quiet_or_one_json_error(result: subprocess.CompletedProcess, args) -> bool:
    """A failed command prints nothing on stdout, or with --json exactly one JSON error
    document whose message is the stderr line's."""
    if "--json" not in args:
        return result.stdout == ""
    error = json.loads(result.stdout)["error"]
    stderr_line = result.stderr.strip().splitlines()[-1]
    return error["exit_code"] == result.returncode and stderr_line.endswith(error["message"])


# Beside fillfactor 10 (a page takes a new row only while it stays 90% empty), a
# 500-byte pad makes two rows too many for one page.
ONE_PER_PAGE_PAD = {"pad": "x" * 500}


def one_user_per_page() -> None:
    """From now on each new auth user (made with user_meta=ONE_PER_PAGE_PAD) lies on a
    page of its own. RESET the fillfactor after a test that commits."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE auth.users SET (fillfactor = 10)")


def page_of(user) -> int:
    """The heap page that holds this user's auth.users row now."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (ctid::text::point)[0]::int FROM auth.users WHERE id = %s", [user.pk]
        )
        return cursor.fetchone()[0]
