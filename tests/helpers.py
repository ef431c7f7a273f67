"""Running manage.py as a user would: a real process against the test database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def database_url_for_tests(user: str | None = None) -> str:
    """A DATABASE_URL naming the test database (also when the embedded server runs it)."""
    connection.ensure_connection()
    params = connection.get_connection_params()
    return (
        f"postgres://{user or params['user']}@{params['host']}:{params['port']}/{params['dbname']}"
    )


def manage(
    *args: str, database_url: str | None = None, input: str | None = None, **env: str
) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    environment.update(
        ENABLE_DEVELOPMENT_MODE="true",
        DATABASE_URL=database_url or database_url_for_tests(),
        **env,
    )
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        input=input,
    )
