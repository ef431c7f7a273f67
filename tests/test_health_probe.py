"""Container probes: django-health-check's `health_check` command and usersync's
health/probe URL, run as a container would (a real process), healthy, degraded and
with the database unreachable (a real closed port) or too slow (a real lock)."""

from __future__ import annotations

import pytest
from health_check.exceptions import ServiceWarning

from tests.db import closed_port, connect
from tests.helpers import manage
from usersync.health import checks as health
from usersync.health.base import Critical
from usersync.models import TriggerFailure

PROBE = ("health_check", "usersync:health-probe")
HEALTHY = ["DatabaseCheck(): OK", "DashboardCheck(): OK"]


def record_trigger_failure(user) -> None:
    TriggerFailure.objects.create(
        user_id=user.pk, source="on_auth_user_created", sqlstate="42501", message="denied"
    )


def test_health_probe_command__healthy_database_exits_0(db):
    result = manage(*PROBE, "--no-http")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == HEALTHY


@pytest.mark.django_db(transaction=True)
def test_health_probe_command__warnings_pass_where_the_dashboard_is_degraded(
    client, auth_user_factory
):
    record_trigger_failure(auth_user_factory())
    assert client.get("/dashboard/health-check").json()["status"] == "degraded"
    result = manage(*PROBE, "--no-http")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == HEALTHY


def test_health_probe_command__unreachable_database_exits_1_without_revealing_where():
    port = closed_port()
    result = manage(*PROBE, "--no-http", database_url=f"postgres://postgres@127.0.0.1:{port}/x")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "DatabaseCheck(): Unavailable: the database is unreachable",
        "DashboardCheck(): Unavailable: the database is unreachable",
    ]
    assert str(port) not in result.stdout


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_health_probe_command__over_http_exits_0_when_healthy(live_server):
    address = live_server.url.removeprefix("http://")
    result = manage(*PROBE, address)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == HEALTHY


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_health_probe_command__over_http_exits_1_when_the_database_is_too_slow(
    live_server, settings
):
    settings.USERSYNC_HEALTH_TIME_LIMIT_SECONDS = 0.5
    address = live_server.url.removeprefix("http://")
    with connect() as locker, locker.transaction():
        locker.execute("LOCK TABLE usersync.sync_runs IN ACCESS EXCLUSIVE MODE")
        result = manage(*PROBE, address)
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == [
        "DatabaseCheck(): OK",
        "DashboardCheck(): Unavailable: the database did not answer in time",
    ]


def test_health_probe__answers_json_when_asked(client, db):
    response = client.get("/health/probe", headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert response.json() == {"DatabaseCheck()": "OK", "DashboardCheck()": "OK"}
    assert response["Cache-Control"].startswith("max-age=0")


def test_critical__passes_the_warnings_of_the_check_it_wraps(auth_user_factory):
    record_trigger_failure(auth_user_factory())
    with pytest.raises(ServiceWarning):
        health.DashboardCheck().run()
    Critical(health.DashboardCheck()).run()
    assert repr(Critical(health.DashboardCheck())) == "DashboardCheck()"


def test_health_probe__answers_other_methods_with_json_405(client):
    response = client.post("/health/probe")
    assert response.status_code == 405
    assert response.json() == {"error": "method POST not allowed"}
    assert response["Allow"] == "GET, HEAD"


def test_health_probe__answers_an_unreadable_accept_header_with_json_406(client):
    response = client.get("/health/probe", headers={"Accept": "garbage"})
    assert response.status_code == 406
    assert response.json() == {"error": "the Accept header is not a list of media types"}


def test_health_probe__answers_browsers_in_html_with_the_health_check_app(client, db):
    response = client.get("/health/probe", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "System status" in response.content.decode()


def test_health_probe__answers_browsers_in_text_without_the_health_check_app(client, db, settings):
    settings.INSTALLED_APPS = [app for app in settings.INSTALLED_APPS if app != "health_check"]
    response = client.get("/health/probe", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.content.decode().splitlines() == HEALTHY
