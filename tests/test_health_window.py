"""The public health URLs answer from their last measurement for
USERSYNC_HEALTH_CACHE_SECONDS: no round trip within the window, a fresh one after it."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.test_health_round_trips import round_trips
from usersync.health import window

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _no_kept_answers():
    window.forget()
    yield
    window.forget()


def set_trigger(enabled: bool) -> None:
    with connection.cursor() as cursor:
        state = "ENABLE" if enabled else "DISABLE"
        cursor.execute(f"ALTER TABLE auth.users {state} TRIGGER on_auth_user_created")


@pytest.mark.parametrize("path", ["/health", "/dashboard/health-check"])
def test_health_window__no_round_trip_inside_it_a_fresh_answer_after_it(
    client, settings, monkeypatch, path
):
    settings.USERSYNC_HEALTH_CACHE_SECONDS = 10
    now = [1000.0]
    monkeypatch.setattr(window.time, "monotonic", lambda: now[0])
    first = client.get(path).json()
    assert first["status"] == "healthy"
    set_trigger(False)
    try:
        now[0] += 9.9
        with round_trips() as trips:
            kept = client.get(path).json()
        assert trips.count == 0 and kept == first  # the same measurement, checked_at too
        now[0] += 0.2
        fresh = client.get(path).json()
        assert fresh["status"] == "degraded" and fresh["checked_at"] != first["checked_at"]
        assert fresh["trigger_enabled"] is False
    finally:
        set_trigger(True)


def test_health_window__zero_measures_every_request(client, settings):
    settings.USERSYNC_HEALTH_CACHE_SECONDS = 0
    with round_trips() as first:
        client.get("/dashboard/health-check")
    with round_trips() as second:
        client.get("/dashboard/health-check")
    # The state and, with USERSYNC_STATUS_CACHE_SECONDS 0 (the tests'), its count: each time.
    assert second.count == first.count >= 1
