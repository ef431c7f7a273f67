"""The admin index's sync status panel at millions of users: with
USERSYNC_STATUS_CACHE_SECONDS above 0 it shows the stored count that GET /health reads
(usersync.status_counts), with when it was counted, instead of counting every user and
profile on every load; with 0 (the tests' setting) it counts on every load."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.db import connect
from usersync.health import reading

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def no_stored_count():
    """usersync.status_counts has no model, so no test flush empties it."""

    def forget() -> None:
        reading.wait_for_refresh()
        with connect() as conn:
            conn.execute("DELETE FROM usersync.status_counts")

    forget()
    yield
    forget()


def panel(response) -> dict[str, str]:
    return {line.label: line.value for line in response.context["sync_status"]}


def test_index_panel__is_exact_while_counting_is_cheap(admin_client, auth_user_factory, settings):
    settings.USERSYNC_STATUS_CACHE_SECONDS = 3600
    auth_user_factory()
    first = panel(admin_client.get(reverse("admin:index")))
    assert first["Missing profiles"].startswith("0 = ")
    assert "Counted at" in first
    auth_user_factory(with_profile=False)
    assert panel(admin_client.get(reverse("admin:index")))["Missing profiles"].startswith("1 = ")


def test_index_panel__shows_the_stored_count_once_counting_is_expensive(
    admin_client, auth_user_factory, settings
):
    settings.USERSYNC_STATUS_CACHE_SECONDS = 3600
    auth_user_factory()
    panel(admin_client.get(reverse("admin:index")))  # counts, and stores the count
    with connect() as conn:  # as the stored count says when it took seconds
        conn.execute("UPDATE usersync.status_counts SET counted_in_seconds = 5")
    # A user without a profile since: the stored count stands until it is older.
    auth_user_factory(with_profile=False)
    status = panel(admin_client.get(reverse("admin:index")))
    assert status["Missing profiles"].startswith("0 = ")
    assert "USERSYNC_" not in status["Counted at"]


def test_index_panel__with_no_cache_counts_on_every_load(admin_client, auth_user_factory):
    auth_user_factory()
    admin_client.get(reverse("admin:index"))
    auth_user_factory(with_profile=False)
    status = panel(admin_client.get(reverse("admin:index")))
    assert status["Missing profiles"].startswith("1 = ")
    assert "Counted at" not in status
