"""GET /health's stored count (usersync.health.reading): answered from the stored row
within the cache time, counted again in a background thread once it is older, counted
by one process at a time, and a first count slower than the time limit is a warning
that the count goes on, not an outage. Real threads and a real lock, no sleeps."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.db import connect
from usersync.health import reading as counting

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def no_stored_count():
    """usersync.status_counts has no model, so no test flush empties it."""

    def forget() -> None:
        counting.wait_for_refresh()
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
    age_the_stored_count(120)

    stale = client.get("/health").json()
    assert stale["missing_profiles"] == 0
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
    age_the_stored_count(30)
    client.get("/health")
    counting.wait_for_refresh()
    assert stored_missing_profiles() == 0
    assert first["missing_profiles"] == 0


def test_public_health__waits_ten_times_as_long_as_the_last_count_took_before_counting_again(
    client, auth_user_factory, stored_for_a_minute
):
    client.get("/health")
    auth_user_factory(with_profile=False)
    with connection.cursor() as cursor:  # as if the last count had taken 100 s
        cursor.execute("UPDATE usersync.status_counts SET counted_in_seconds = 100")
    age_the_stored_count(120)  # past the cache time, not past 10 x 100 s
    client.get("/health")
    counting.wait_for_refresh()
    assert stored_missing_profiles() == 0
    age_the_stored_count(900)  # now 1,020 s old
    client.get("/health")
    counting.wait_for_refresh()
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
