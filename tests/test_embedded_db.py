"""The embedded default database, driven through real processes as a user would."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from project import embedded_db
from tests.helpers import manage as run_manage


def manage(*args: str, pgdata: Path):
    return run_manage(*args, database_url="", USERSYNC_PGDATA=str(pgdata), timeout=180)


@pytest.fixture
def pgdata(tmp_path):
    path = tmp_path / "pgdata"
    yield path
    embedded_db.stop(path, mode="immediate")


@pytest.mark.slow
def test_embedded_db__starts_from_nothing_is_reused_by_another_process_and_stops(pgdata):
    started = manage("embedded_db", "start", "--json", pgdata=pgdata)
    assert started.returncode == 0, started.stderr
    first = json.loads(started.stdout)
    assert first["running"] and first["host"] == "127.0.0.1" and first["port"]
    assert f"started embedded PostgreSQL {first['version']}" in started.stderr
    assert str(pgdata) in started.stderr

    # A second process's first database connection reuses the same server.
    reused = manage("showmigrations", "supabase_local", pgdata=pgdata)
    assert reused.returncode == 0, reused.stderr
    assert "[ ] 0001_auth_standin" in reused.stdout
    assert (
        f"reusing embedded PostgreSQL {first['version']} at 127.0.0.1:{first['port']}"
        in reused.stderr
    )

    stopped = manage("embedded_db", "stop", pgdata=pgdata)
    assert (stopped.returncode, stopped.stdout.strip()) == (0, "stopped")
    status = json.loads(manage("embedded_db", "status", "--json", pgdata=pgdata).stdout)
    assert status["running"] is False


def test_embedded_db__concurrent_starts_from_threads_share_one_server(pgdata):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=4) as pool:
        states = list(
            pool.map(lambda _: embedded_db.ensure_running(pgdata, announce=False), range(4))
        )
    assert len({(s.pid, s.port) for s in states}) == 1


def test_embedded_db__restarts_after_its_server_was_killed(pgdata):
    import signal
    import time

    first = embedded_db.ensure_running(pgdata, announce=False)
    os.kill(first.pid, signal.SIGKILL)
    for _ in range(50):
        if not embedded_db.status(pgdata).running:
            break
        time.sleep(0.1)
    second = embedded_db.ensure_running(pgdata, announce=False)
    assert second.running and second.pid != first.pid
    assert embedded_db.stop(pgdata).running is True
    assert embedded_db.status(pgdata).running is False
