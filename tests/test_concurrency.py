"""Concurrency with real separate connections and processes: sign-ups during a sync,
two syncs at once, and a sync killed mid-run."""

from __future__ import annotations

import signal
import threading
import time
import uuid
from io import StringIO

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.test import override_settings

from tests.db import connect
from tests.helpers import database_url_for_tests, start_sync
from usersync import sync
from usersync.contrib.supabase_local import demo_data
from usersync.errors import SyncAlreadyRunning
from usersync.models import SyncRun

pytestmark = pytest.mark.django_db(transaction=True)


def profile_counts() -> tuple[int, int, int]:
    """(users who should have a profile, profiles of those users, users with two or more)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*) FILTER (WHERE u.deleted_at IS NULL),
                   (SELECT count(*) FROM public.user_profiles p
                     JOIN auth.users u2 ON u2.id = p.user_id WHERE u2.deleted_at IS NULL),
                   (SELECT count(*) FROM (SELECT user_id FROM public.user_profiles
                                           GROUP BY user_id HAVING count(*) > 1) d)
              FROM auth.users u
            """
        )
        return cursor.fetchone()


def sign_up_many(count: int, errors: list) -> None:
    try:
        with connect(user="supabase_auth_admin") as conn:
            for _ in range(count):
                with conn.transaction():
                    conn.execute(
                        "INSERT INTO users (id, aud, role, email, raw_app_meta_data) "
                        "VALUES (%s, 'authenticated', 'authenticated', %s, %s)",
                        [
                            uuid.uuid4(),
                            f"{uuid.uuid4().hex}@example.com",
                            psycopg.types.json.Jsonb({"provider": "email"}),
                        ],
                    )
    except Exception as error:  # reported to the test, which fails on it
        errors.append(error)


def test_sign_ups_during_a_sync__neither_fail_nor_duplicate():
    demo_data.seed(4000, without_profiles=1.0)
    errors: list = []
    signups = threading.Thread(target=sign_up_many, args=(300, errors))
    signups.start()
    result = sync.sync(batch_size=100)
    signups.join()
    assert errors == []
    assert result.created > 0
    sync.sync()  # sign-ups after the last batch passed are the trigger's, or the next sync's
    should, have, duplicated = profile_counts()
    assert (have, duplicated) == (should, 0)
    assert should == 4300


def hold_lease(run_id: int, seconds: float) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO usersync.sync_runs (id, batch_size, triggered_by, host, pid) "
            "OVERRIDING SYSTEM VALUE VALUES (%s, 10, 'command:sync_users', 'other-host', 4242)",
            [run_id],
        )
        cursor.execute(
            "INSERT INTO usersync.sync_lease (run_id, holder, expires_at) "
            "VALUES (%s, 'other-host pid 4242', now() + make_interval(secs => %s))",
            [run_id, seconds],
        )


def test_second_sync__refuses_naming_the_running_one(auth_user_factory):
    auth_user_factory(with_profile=False)
    hold_lease(9001, seconds=60)
    with pytest.raises(SyncAlreadyRunning) as error:
        sync.sync(triggered_by="test")
    assert error.value.exit_code == 1
    assert (
        "another sync is running: sync run 9001 by command:sync_users on other-host pid 4242"
        in str(error.value)
    )
    assert "Use --wait to wait for it." in str(error.value)
    assert SyncRun.objects.count() == 1  # the refused run left no record


def wait_until_backend_waits_for_a_lock(conn: psycopg.Connection, pid: int) -> None:
    """Until backend `pid` waits for a lock not granted (pg_locks; polled, 30 s at most)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if conn.execute(
            "SELECT EXISTS (SELECT FROM pg_locks WHERE pid = %s AND NOT granted)", [pid]
        ).fetchone()[0]:
            return
        threading.Event().wait(0.01)
    raise AssertionError(f"backend {pid} never waited for a lock")


def test_second_sync_with_wait__runs_once_the_first_finishes(auth_user_factory):
    auth_user_factory(with_profile=False)
    hold_lease(9002, seconds=60)
    waited: list = []
    waiter_pid: list[int] = []
    announced = threading.Event()

    def on_wait(holder) -> None:  # in the waiting sync's thread, on its connection
        waited.append(holder)
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            waiter_pid.append(cursor.fetchone()[0])
        announced.set()

    outcome: list = []

    def second_sync() -> None:
        try:
            outcome.append(sync.sync(wait=True, on_wait=on_wait))
        finally:
            connections["default"].close()

    waiter = threading.Thread(target=second_sync)
    waiter.start()
    assert announced.wait(timeout=30)
    # The first run finishes in a transaction left open until the waiter's next attempt
    # to take the lease waits for it: decided by the lock, not by a sleep.
    with connect() as first, first.transaction():
        first.execute("DELETE FROM usersync.sync_lease")
        first.execute("UPDATE usersync.sync_runs SET status = 'succeeded' WHERE id = 9002")
        with connect() as observer:
            wait_until_backend_waits_for_a_lock(observer, waiter_pid[0])
        assert waiter.is_alive() and not outcome
    waiter.join(timeout=60)
    assert [h.run_id for h in waited] == [9002]
    assert outcome[0].created == 1


def test_two_real_syncs_at_once__one_runs_the_other_refuses():
    demo_data.seed(3000, without_profiles=1.0)
    outcomes: list = []

    def run_sync() -> None:
        try:
            outcomes.append(sync.sync(batch_size=50).created)
        except SyncAlreadyRunning as error:
            outcomes.append(error)
        finally:
            connections["default"].close()

    threads = [threading.Thread(target=run_sync) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    created = [o for o in outcomes if isinstance(o, int)]
    refused = [o for o in outcomes if isinstance(o, SyncAlreadyRunning)]
    assert (len(created), len(refused)) == (1, 1) or sorted(created) == [0, 3000]
    assert sum(created) == 3000
    assert profile_counts()[1:] == (3000, 0)


def test_expired_lease__is_taken_over_and_its_run_marked_interrupted(auth_user_factory):
    auth_user_factory(with_profile=False)
    hold_lease(9003, seconds=-1)
    result = sync.sync()
    assert result.created == 1
    assert SyncRun.objects.get(pk=9003).status == "interrupted"


def test_sync_killed_mid_run__keeps_its_batches_and_a_rerun_completes():
    demo_data.seed(20000, without_profiles=1.0)
    process = start_sync(database_url_for_tests(), batch_size=100)
    deadline = time.monotonic() + 60
    batches = 0
    while batches < 3 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.02)
        batches = (
            SyncRun.objects.filter(status="running").values_list("batches", flat=True).first() or 0
        )
    process.send_signal(signal.SIGKILL)
    out, err = process.communicate()
    assert batches >= 3, f"the sync finished before it could be killed {out} {err}"
    killed = SyncRun.objects.get()
    committed = profile_counts()[1]
    # Each batch's profiles and its progress record commit together.
    assert committed == killed.created and 0 < committed < 20000

    with override_settings(USERSYNC_LEASE_SECONDS=2):
        call_command("sync_users", "--wait", "--batch-size", "5000", stdout=StringIO())
    assert profile_counts() == (20000, 20000, 0)
    killed.refresh_from_db()
    assert killed.status == "interrupted"
