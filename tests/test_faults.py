"""Faults: a slow or locked database, a PostgreSQL restart mid-sync, a failing trigger.
Every command answers within its timeout with one line; nothing is half-written."""

from __future__ import annotations

import json
import socket
import threading
import time

import psycopg
import pytest

from project import embedded_db
from tests.db import connect
from tests.helpers import failure_stdout_is_quiet_or_one_json_error, manage, start_sync
from usersync import sync
from usersync.models import TriggerFailure, UserProfile


@pytest.fixture
def silent_server():
    """A TCP server that accepts connections and never answers (a hung database)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    listener.close()


@pytest.mark.parametrize("args", [["sync_status", "--json"], ["sync_users"], ["verify_migration"]])
def test_hung_database__commands_exit_2_within_the_connect_timeout(silent_server, args):
    started = time.monotonic()
    result = manage(
        *args,
        database_url=f"postgres://postgres@127.0.0.1:{silent_server}/usersync",
        DATABASE_CONNECT_TIMEOUT="2",
    )
    elapsed = time.monotonic() - started
    assert result.returncode == 2
    assert failure_stdout_is_quiet_or_one_json_error(result, args)
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(
        f"CommandError: cannot connect to the database at 127.0.0.1:{silent_server}"
    )
    assert elapsed < 10


@pytest.mark.django_db(transaction=True)
def test_locked_table__status_and_sync_give_up_in_time_and_change_nothing(auth_user_factory):
    auth_user_factory(with_profile=False)
    with connect(autocommit=False) as locker:
        locker.execute("LOCK TABLE public.user_profiles IN ACCESS EXCLUSIVE MODE")
        started = time.monotonic()
        status = manage("sync_status", "--json", USERSYNC_STATEMENT_TIMEOUT="1")
        synced = manage("sync_users", USERSYNC_STATEMENT_TIMEOUT="1")
        elapsed = time.monotonic() - started
        locker.rollback()
    assert (status.returncode, synced.returncode) == (2, 2)
    assert "did not answer in time (canceling statement due to statement timeout)" in status.stderr
    assert len(synced.stderr.strip().splitlines()) == 1
    assert elapsed < 30
    assert UserProfile.objects.count() == 0
    assert json.loads(manage("sync_status", "--json").stdout)["missing_profiles"] == 1


@pytest.mark.django_db(transaction=True)
def test_failing_trigger__sign_up_succeeds_failure_is_visible_and_the_next_sync_repairs_it(
    auth_user_factory,
):
    with connect() as admin:
        admin.execute(
            "ALTER TABLE public.user_profiles "
            "ADD CONSTRAINT test_no_profiles CHECK (false) NOT VALID"
        )
    try:
        user = auth_user_factory()
    finally:
        with connect() as admin:
            admin.execute("ALTER TABLE public.user_profiles DROP CONSTRAINT test_no_profiles")
    assert not UserProfile.objects.filter(user_id=user.pk).exists()
    status = json.loads(manage("sync_status", "--json").stdout)
    assert (status["trigger_failures"], status["missing_profiles"]) == (1, 1)
    assert "1 profile creations failed in the trigger" in manage("sync_status").stdout
    result = sync.sync()
    assert (result.created, result.resolved_trigger_failures) == (1, 1)
    assert TriggerFailure.objects.get().resolved_at is not None
    assert json.loads(manage("sync_status", "--json").stdout)["trigger_failures"] == 0


@pytest.fixture
def private_server(tmp_path):
    """A PostgreSQL server of this test's own (the embedded one), migrated, to crash."""
    pgdata = tmp_path / "pgdata"
    server = embedded_db.ensure_running(pgdata, announce=False)
    url = f"postgres://postgres@127.0.0.1:{server.port}/usersync"
    migrated = manage("migrate", "-v", "0", database_url=url)
    assert migrated.returncode == 0, migrated.stderr
    yield pgdata, url
    embedded_db.stop(pgdata, mode="immediate")


def server_counts(url: str) -> tuple[int, list[tuple]]:
    with psycopg.connect(url, autocommit=True) as conn:
        profiles = conn.execute("SELECT count(*) FROM public.user_profiles").fetchone()[0]
        runs = conn.execute(
            "SELECT status, batches, created FROM usersync.sync_runs ORDER BY id"
        ).fetchall()
    return profiles, runs


@pytest.mark.slow
def test_postgresql_restart_mid_sync__clear_error_no_partial_batch_and_rerun_completes(
    private_server,
):
    pgdata, url = private_server
    seeded = manage("seed_demo_users", "20000", "--without-profiles", "100%", database_url=url)
    assert seeded.returncode == 0, seeded.stderr
    process = start_sync(url, batch_size=100)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        runs = server_counts(url)[1]
        if runs and runs[-1][1] >= 3:
            break
        time.sleep(0.02)
    embedded_db.restart(pgdata, mode="immediate")
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 2, (stdout, stderr)
    (line,) = stderr.strip().splitlines()
    assert "lost the connection to the database at 127.0.0.1" in line
    assert "work committed so far is kept: rerun to continue" in line

    profiles, runs = server_counts(url)
    ((status, batches, created),) = runs
    assert status == "running"  # it could not record its end; its lease will expire
    # Each batch's profiles and its progress record commit together: none half-written.
    assert profiles == created and batches > 0 and 0 < profiles < 20000

    rerun = manage("sync_users", "--wait", "--json", database_url=url, USERSYNC_LEASE_SECONDS="2")
    assert rerun.returncode == 0, rerun.stderr
    assert json.loads(rerun.stdout)["status"]["missing_profiles"] == 0
    profiles, runs = server_counts(url)
    assert profiles == 20000
    assert [r[0] for r in runs] == ["interrupted", "succeeded"]
