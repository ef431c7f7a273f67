"""One missing profile among 1,000,000 users: every surface that shows the sync
percentage says 99.99, never 100, and the counts it shows add up. The users are built
once for the module, in SQL (tests/sql/one_missing_of_a_million.sql)."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from prometheus_client.parser import text_string_to_metric_families

from tests.tokens import MONITORING_TOKEN, bearer

USERS = 1_000_000
SQL = Path(__file__).parent / "sql" / "one_missing_of_a_million.sql"
MONITOR = bearer(MONITORING_TOKEN)


@pytest.fixture(scope="module")
def one_missing_of_a_million(django_db_setup, django_db_blocker):
    """Committed once for the module (each test's own transaction rolls back on top)."""
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("BEGIN")
        cursor.execute(SQL.read_text())
        cursor.execute("COMMIT")
        cursor.execute("ANALYZE auth.users, public.user_profiles")
    yield
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE auth.users CASCADE")


# About a minute on a busy two-core machine, most of it inserting the million rows.
pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db,
    pytest.mark.usefixtures("one_missing_of_a_million"),
]


def run(*args: str) -> str:
    out = StringIO()
    call_command("sync_status", *args, stdout=out)
    return out.getvalue()


def test_sync_status_text__says_99_99_and_the_counts_add_up():
    lines = run().splitlines()
    assert lines[:6] == [
        "❌ 1 problem: 1 users need profile synchronization; run sync_users",
        "Total auth users:    1,000,000 = 1,000,000 eligible + 0 soft-deleted "
        "(who need no profile)",
        "Total user profiles: 999,999 = 999,999 of eligible users + 0 of soft-deleted users",
        "Missing profiles:    1 = 1,000,000 eligible - 999,999 with a profile",
        "Sync percentage:     99.99% (truncated: 100.00% only when none is missing)",
        "❌ 999,999 of 1,000,000 users have a profile (99.99%); 1 missing",
    ]


def test_sync_status_json__says_99_99():
    data = json.loads(run("--json"))
    assert {
        key: data[key]
        for key in (
            "total_auth_users",
            "total_profiles",
            "missing_profiles",
            "sync_percentage",
            "eligible_users",
            "profiles_of_eligible_users",
            "profiles_of_soft_deleted_users",
            "orphan_profiles",
        )
    } == {
        "total_auth_users": USERS,
        "total_profiles": USERS - 1,
        "missing_profiles": 1,
        "sync_percentage": 99.99,
        "eligible_users": USERS,
        "profiles_of_eligible_users": USERS - 1,
        "profiles_of_soft_deleted_users": 0,
        "orphan_profiles": 0,
    }


def test_admin_status_panel__says_99_99_in_red(admin_client):
    response = admin_client.get(reverse("admin:app_list", args=["usersync"]))
    lines = {line.label: (line.value, line.ok) for line in response.context["sync_status"]}
    assert lines["Sync percentage"] == ("99.99%", False)
    assert lines["Missing profiles"] == ("1 = 1,000,000 eligible - 999,999 with a profile", False)
    assert "99.99%" in response.content.decode()


def test_public_health__says_99_99_with_the_time_of_its_cached_count(client, settings):
    settings.USERSYNC_STATUS_CACHE_SECONDS = 60
    first = client.get("/health").json()
    again = client.get("/health").json()
    assert (first["status"], first["missing_profiles"], first["sync_percentage"]) == (
        "degraded",
        1,
        99.99,
    )
    # The second answer reuses the count: it says when that count was taken, while
    # checked_at is the time of the answer.
    assert again["measured_at"] == first["measured_at"]
    assert again["checked_at"] > first["checked_at"] >= first["measured_at"]


def test_staff_health__says_99_99(client):
    body = client.get("/admin/users/health-check", headers=MONITOR).json()
    assert (body["missing_profiles"], body["sync_percentage"]) == (1, 99.99)
    assert body["measured_at"] <= body["checked_at"]


def test_dashboard_health__shows_no_percentage_to_mislead(client):
    body = client.get("/dashboard/health-check").json()
    assert "sync_percentage" not in body
    assert body["estimated_auth_users"] == USERS


def test_dashboard_health__says_unknown_at_a_million_until_the_exact_count_lands(client, settings):
    settings.USERSYNC_STATUS_CACHE_SECONDS = 60
    from tests.db import connect
    from usersync.health import reading

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM usersync.status_counts")
    try:
        unknown = client.get("/dashboard/health-check").json()
        reading.wait_for_refresh()
        counted = client.get("/dashboard/health-check").json()
    finally:
        reading.wait_for_refresh()
        with connect() as other:  # the background count committed its row
            other.execute("DELETE FROM usersync.status_counts")
    assert (unknown["missing_profiles"], unknown["missing_profiles_unknown"]) == (
        None,
        "counting takes longer than 50 ms; it goes on in the background",
    )
    assert (counted["missing_profiles"], counted["counts"]) == (1, "stored")


def test_metrics__say_99_99_so_that_an_alert_below_100_fires(client):
    response = client.get("/metrics", headers=MONITOR)
    samples = {
        sample.name: sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }
    assert samples["usersync_sync_percentage"] == 99.99
    assert samples["usersync_sync_percentage"] < 100
    assert samples["usersync_missing_profiles"] == 1.0
    assert samples["usersync_status_measured_timestamp_seconds"] > 0
