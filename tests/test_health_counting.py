"""GET /health's counts (usersync.health.reading, usersync.sync.counts): exact, counted
in the request, while counting is cheap; else the stored row within the cache time,
counted again in a background thread once it is older, and kept fresh by it; counted by
one process at a time; always labelled; a first count slower than the time limit is a
warning that the count goes on, not an outage; refreshed when a sync, create_profile
or a staff action commits. Real threads and a real lock, no sleeps."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from tests.db import connect
from usersync.health import reading as counting
from usersync.models import UserProfile
from usersync.sync import counts

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def no_stored_count():
    """usersync.status_counts has no model, so no test flush empties it."""

    def forget() -> None:
        counts.stop_refreshing()
        counting.wait_for_refresh()
        counts.stop_refreshing()
        with connect() as conn:
            conn.execute("DELETE FROM usersync.status_counts")

    forget()
    yield
    forget()


@pytest.fixture
def stored_for_a_minute(settings):
    settings.USERSYNC_STATUS_CACHE_SECONDS = 60


def age_the_stored_count(seconds: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE usersync.status_counts"
            " SET measured_at = measured_at - make_interval(secs => %s)",
            [seconds],
        )


def as_if_counting_took(seconds: float) -> None:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE usersync.status_counts SET counted_in_seconds = %s", [seconds])


def stored_missing_profiles() -> int | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT missing_profiles FROM usersync.status_counts")
        row = cursor.fetchone()
    return row[0] if row else None


def test_public_health__recounts_in_the_background_once_the_stored_count_is_too_old(
    client, auth_user_factory, stored_for_a_minute
):
    assert client.get("/health").json()["missing_profiles"] == 0
    auth_user_factory(with_profile=False)
    as_if_counting_took(1.5)  # expensive: served from the stored row
    age_the_stored_count(120)

    stale = client.get("/health").json()
    assert stale["missing_profiles"] == 0
    assert stale["counts"] == "stored" and stale["counts_age_seconds"] >= 120
    counting.wait_for_refresh()
    fresh = client.get("/health").json()

    assert fresh["missing_profiles"] == 1
    assert fresh["status"] == "degraded"
    assert fresh["measured_at"] > stale["measured_at"]


def test_public_health__does_not_recount_within_the_cache_time(
    client, auth_user_factory, stored_for_a_minute
):
    first = client.get("/health").json()
    auth_user_factory(with_profile=False)
    as_if_counting_took(1.5)
    age_the_stored_count(30)
    assert client.get("/health").json()["missing_profiles"] == 0
    counting.wait_for_refresh()
    assert stored_missing_profiles() == 0
    assert first["missing_profiles"] == 0


def test_public_health__counts_in_the_request_while_counting_is_cheap(
    client, auth_user_factory, stored_for_a_minute
):

    users = [auth_user_factory() for _ in range(3)]
    assert client.get("/health").json()["missing_profiles"] == 0
    UserProfile.objects.filter(user_id=users[0].pk).delete()  # one profile lost

    lost = client.get("/health").json()
    assert (lost["status"], lost["missing_profiles"], lost["counts"]) == (
        "degraded",
        1,
        "counted now",
    )
    assert lost["counts_age_seconds"] == 0
    call_command("sync_users", stdout=StringIO())
    synced = client.get("/health").json()
    assert (synced["status"], synced["missing_profiles"]) == ("healthy", 0)


def test_public_health__keeps_an_expensive_count_fresh_in_the_background_every_cache_time(
    client, stored_for_a_minute
):
    client.get("/health")
    as_if_counting_took(1.5)
    age_the_stored_count(120)
    client.get("/health")
    counting.wait_for_refresh()
    # The background count was cheap here, so it schedules no next one: ask as if not.
    counts._schedule(60 - 1.5)
    assert counts._timer is not None and counts._timer.interval == 58.5
    counts.stop_refreshing()
    assert counts._timer is None


def test_stored_count__a_sync_create_profile_and_a_staff_action_refresh_it(
    client, auth_user_factory, stored_for_a_minute
):
    from usersync.logs import audit
    from usersync.staff import changes
    from usersync.sync.profiles import create_profile

    client.get("/health")  # a stored count: 0 missing
    missing = [auth_user_factory(with_profile=False) for _ in range(3)]
    counts.count_and_store(5)
    assert stored_missing_profiles() == 3
    create_profile(missing[0].pk)
    assert stored_missing_profiles() == 2
    call_command("sync_users", stdout=StringIO())
    assert stored_missing_profiles() == 0
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM public.user_profiles WHERE user_id = %s", [missing[1].pk])
    changes.change_role(missing[2].pk, "admin", audit.Actor("staff"), "test")
    assert stored_missing_profiles() == 1


def test_count_and_store__records_how_long_the_count_took():
    counting.count_and_store(5)
    with connection.cursor() as cursor:
        cursor.execute("SELECT counted_in_seconds FROM usersync.status_counts")
        (seconds,) = cursor.fetchone()
    assert 0 < seconds < 5


def test_count_and_store__leaves_the_count_to_the_process_counting_already(auth_user_factory):
    auth_user_factory(with_profile=False)
    with connect() as counter, counter.transaction():
        counter.execute("SELECT pg_advisory_xact_lock(hashtext('usersync:status-counts'))")
        assert counting.count_and_store(5) is None
    assert stored_missing_profiles() is None
    assert counting.count_and_store(5)["missing_profiles"] == 1
    assert stored_missing_profiles() == 1


def test_count_and_store__keeps_a_newer_stored_count(auth_user_factory):
    counting.count_and_store(5)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE usersync.status_counts SET measured_at = now() + interval '1 hour'")
    auth_user_factory(with_profile=False)
    counting.count_and_store(5)
    assert stored_missing_profiles() == 0


def test_public_health__first_count_slower_than_the_time_limit_is_a_warning_not_an_outage(
    client, auth_user_factory, stored_for_a_minute, settings
):
    auth_user_factory(with_profile=False)
    settings.USERSYNC_HEALTH_TIME_LIMIT_SECONDS = 0.5
    with connect() as locker, locker.transaction():
        locker.execute("LOCK TABLE public.user_profiles IN ACCESS EXCLUSIVE MODE")
        response = client.get("/health")
    counting.wait_for_refresh()

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"] == {"database": "healthy", "trigger": "healthy", "profiles": "degraded"}
    assert body["warnings"] == [
        "counting the users without a profile takes longer than 0.5 s; it goes on in the background"
    ]
    assert stored_missing_profiles() == 1
    assert client.get("/health").json()["missing_profiles"] == 1


def test_metrics__report_the_stored_count_and_the_trigger_and_runs_as_they_are_now(
    client, auth_user_factory, stored_for_a_minute
):
    from tests.test_metrics import scrape

    auth_user_factory(with_profile=False)
    first = scrape(client)
    assert (first["usersync_missing_profiles"], first["usersync_trigger_installed"]) == (1, 1)
    as_if_counting_took(1.5)  # expensive: /metrics serves the stored count
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE auth.users DISABLE TRIGGER on_auth_user_created")
    try:
        auth_user_factory()  # gets no profile: the trigger is off
        second = scrape(client)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE auth.users ENABLE TRIGGER on_auth_user_created")
    assert second["usersync_missing_profiles"] == 1  # the stored count, within a minute
    assert second["usersync_trigger_enabled"] == 0  # read now
    assert (
        second["usersync_status_measured_timestamp_seconds"]
        == first["usersync_status_measured_timestamp_seconds"]
    )
    age_the_stored_count(120)
    scrape(client)
    counting.wait_for_refresh()
    assert scrape(client)["usersync_missing_profiles"] == 2
