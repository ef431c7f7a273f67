"""The health checks and the three health URLs, healthy, degraded and down: a dropped
or disabled trigger, missing profiles, recorded trigger failures, a database that does
not answer in time (a real lock) and one that is unreachable (a real closed port)."""

from __future__ import annotations

import dataclasses
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve
from health_check.exceptions import ServiceUnavailable, ServiceWarning

from tests.db import connect
from tests.tokens import MONITORING_TOKEN, bearer
from usersync import sync
from usersync.health import checks as health
from usersync.health import views
from usersync.health.base import UsersyncCheck
from usersync.health.report import NotChecked, Status, run_check, run_checks
from usersync.models import TriggerFailure
from usersync.sync import counts

MONITOR = bearer(MONITORING_TOKEN)


def drop_trigger() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER on_auth_user_created ON auth.users")


def disable_trigger() -> None:
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE auth.users DISABLE TRIGGER on_auth_user_created")


def record_trigger_failure(user) -> None:
    TriggerFailure.objects.create(
        user_id=user.pk, source="on_auth_user_created", sqlstate="42501", message="denied"
    )


# GET /health


def test_public_health__is_healthy_when_every_user_has_a_profile(client, auth_user_factory):
    auth_user_factory.create_batch(2)
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "healthy"
    assert (body["warnings"], body["errors"]) == ([], [])
    assert body["missing_profiles"] == 0
    assert body["checks"] == {"database": "healthy", "trigger": "healthy", "profiles": "healthy"}
    assert response["Cache-Control"].startswith("max-age=0")


def test_public_health__missing_profiles_warn_in_the_specs_words_and_stay_200(
    client, auth_user_factory
):
    auth_user_factory()
    hidden = auth_user_factory.create_batch(3, with_profile=False)
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["warnings"] == ["3 users need profile synchronization"]
    assert (body["missing_profiles"], body["sync_percentage"]) == (3, 25.0)
    for user in hidden:  # counts only, never who
        assert str(user.pk) not in response.content.decode()
        assert user.email not in response.content.decode()


def test_public_health__does_not_count_soft_deleted_users_as_missing(client, auth_user_factory):
    from django.utils import timezone

    auth_user_factory(with_profile=False, deleted_at=timezone.now())
    body = client.get("/health").json()
    assert (body["status"], body["missing_profiles"]) == ("healthy", 0)


def test_public_health__dropped_trigger_is_a_warning_not_an_outage(client, auth_user_factory):
    auth_user_factory()
    drop_trigger()
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["trigger"] == "degraded"
    assert body["trigger_installed"] is False
    assert body["warnings"] == [
        "the profile trigger on_auth_user_created is missing: new sign-ups get no profile "
        "(repair: python manage.py verify_migration --repair)"
    ]


def test_public_health__recorded_trigger_failures_warn(client, auth_user_factory):
    record_trigger_failure(auth_user_factory(with_profile=False))
    body = client.get("/health").json()
    assert body["trigger_failures"] == 1
    assert (
        "1 profile creations failed in the trigger; run sync_users to repair them"
        in body["warnings"]
    )
    assert body["status"] == "degraded"


def test_public_health__unreachable_database_is_503_without_revealing_where(database_down, client):
    response = client.get("/health")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unhealthy"
    assert body["errors"] == ["the database is unreachable"]
    assert body["checks"] == {
        "database": "unhealthy",
        "trigger": "unhealthy",
        "profiles": "unhealthy",
    }
    assert str(database_down) not in response.content.decode()
    assert "127.0.0.1" not in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_public_health__database_that_does_not_answer_in_time_is_503(client, settings):
    settings.USERSYNC_HEALTH_TIME_LIMIT_SECONDS = 0.5
    with connect() as locker, locker.transaction():
        locker.execute("LOCK TABLE public.user_profiles IN ACCESS EXCLUSIVE MODE")
        response = client.get("/health")
    assert response.status_code == 503
    body = response.json()
    assert body["errors"] == ["the database did not answer in time"]
    assert body["checks"]["database"] == "healthy"
    assert body["checks"]["profiles"] == "unhealthy"


def test_public_health__answers_from_an_expensive_stored_count_within_the_cache_time(
    client, auth_user_factory, settings
):
    settings.USERSYNC_STATUS_CACHE_SECONDS = 60
    first = client.get("/health").json()
    assert first["missing_profiles"] == 0
    with connection.cursor() as cursor:  # as if counting were expensive at this size
        cursor.execute("UPDATE usersync.status_counts SET counted_in_seconds = 1.5")
    auth_user_factory(with_profile=False)
    second = client.get("/health").json()
    assert (second["missing_profiles"], second["measured_at"]) == (0, first["measured_at"])
    assert second["counts"] == "stored" and second["counts_age_seconds"] >= 0


def test_public_health__answers_other_methods_with_json_405(client):
    response = client.post("/health")
    assert response.status_code == 405
    assert response.json() == {"error": "method POST not allowed"}
    assert response["Allow"] == "GET, HEAD"


# GET /dashboard/health-check


def test_dashboard_health__reports_catalog_estimates_after_analyze(client, auth_user_factory):
    auth_user_factory.create_batch(3)
    auth_user_factory(with_profile=False)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE auth.users, public.user_profiles")
    response = client.get("/dashboard/health-check")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "healthy"
    assert (body["estimated_auth_users"], body["estimated_profiles"]) == (4, 3)
    assert (body["missing_profiles"], body["counts"]) == (1, "counted now")
    assert "estimated_missing_profiles" not in body
    assert body["checks"] == {"database": "healthy", "dashboard": "healthy"}


def test_dashboard_health__shows_the_exact_missing_count_not_a_wrong_estimate(
    client, auth_user_factory
):
    auth_user_factory.create_batch(3)
    auth_user_factory(with_profile=False)
    with connection.cursor() as cursor:  # estimates off by 3x, as on a small table
        cursor.execute("UPDATE pg_class SET reltuples = 6 WHERE oid = 'auth.users'::regclass")
        cursor.execute(
            "UPDATE pg_class SET reltuples = 3 WHERE oid = 'public.user_profiles'::regclass"
        )
    body = client.get("/dashboard/health-check").json()
    assert (body["estimated_auth_users"], body["missing_profiles"]) == (6, 1)


def test_dashboard_health__says_unknown_and_why_when_counting_is_not_cheap(client, db, settings):
    from usersync.health import reading

    settings.USERSYNC_STATUS_CACHE_SECONDS = 60
    with connect() as locker, locker.transaction():
        locker.execute("LOCK TABLE public.user_profiles IN ACCESS EXCLUSIVE MODE")
        body = client.get("/dashboard/health-check").json()
    reading.wait_for_refresh()
    with connect() as other:  # the background count committed its row
        other.execute("DELETE FROM usersync.status_counts")
    assert body["missing_profiles"] is None
    assert body["missing_profiles_unknown"] == (
        "counting takes longer than 50 ms; it goes on in the background"
    )
    assert body["status"] == "healthy"


def test_dashboard_health__estimates_are_null_before_the_tables_were_analysed(client, db):
    # What a never-analysed table shows (autovacuum may have analysed the test tables);
    # the test's transaction is rolled back.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE pg_class SET reltuples = -1 WHERE oid IN "
            "('auth.users'::regclass, 'public.user_profiles'::regclass)"
        )
    body = client.get("/dashboard/health-check").json()
    assert body["estimated_auth_users"] is None
    assert body["estimates_unknown"].startswith("auth.users or user_profiles was never analysed")
    assert body["missing_profiles"] == 0  # counted: cheap here


def test_dashboard_health__reads_no_user_table_in_full_once_counting_is_expensive(
    client, auth_user_factory, settings
):
    settings.USERSYNC_STATUS_CACHE_SECONDS = 60
    auth_user_factory(with_profile=False)
    counts.count_and_store(5)
    with connection.cursor() as cursor:  # as if counting were expensive at this size
        cursor.execute("UPDATE usersync.status_counts SET counted_in_seconds = 1.5")
    with CaptureQueriesContext(connection) as queries:
        client.get("/dashboard/health-check")
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "pg_class" in sql
    assert "FROM auth.users" not in sql
    assert "FROM public.user_profiles" not in sql


def test_dashboard_health__disabled_trigger_and_failures_are_warnings(client, auth_user_factory):
    record_trigger_failure(auth_user_factory())
    disable_trigger()
    response = client.get("/dashboard/health-check")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["trigger_enabled"] is False
    assert len(body["warnings"]) == 2
    assert "is disabled" in body["warnings"][0]


def test_dashboard_health__unreachable_database_is_503(database_down, client):
    response = client.get("/dashboard/health-check")
    assert response.status_code == 503
    assert response.json()["errors"] == ["the database is unreachable"]


# GET /admin/users/health-check


def test_staff_health__is_routed_before_django_admin_swallows_it():
    assert resolve("/admin/users/health-check").func.__name__ == views.staff_health.__name__


def test_staff_health__reports_schema_sync_and_last_sync_when_healthy(client, auth_user_factory):
    auth_user_factory.create_batch(2)
    sync.sync(batch_size=10)
    response = client.get("/admin/users/health-check", headers=MONITOR)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "healthy"
    assert body["schema_groups"] == {
        "tables": True,
        "triggers": True,
        "functions": True,
        "security": True,
    }
    assert (body["total_auth_users"], body["total_profiles"]) == (2, 2)
    assert (body["missing_profiles"], body["sync_percentage"]) == (0, 100.0)
    assert (body["trigger_installed"], body["trigger_enabled"]) == (True, True)
    assert body["last_sync_status"] == "succeeded"
    assert body["last_sync_age_seconds"] >= 0
    assert body["last_sync"]["created"] == 0
    assert set(body["checks"]) == {"database", "schema", "sync"}
    assert body["checks"]["schema"] == {"status": "healthy", "messages": []}


def test_staff_health__missing_profiles_are_a_warning(client, auth_user_factory):
    auth_user_factory(with_profile=False)
    response = client.get("/admin/users/health-check", headers=MONITOR)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["warnings"] == ["1 users need profile synchronization"]
    assert body["checks"]["sync"]["status"] == "degraded"


def test_staff_health__dropped_trigger_is_503(client, auth_user_factory):
    auth_user_factory()
    drop_trigger()
    response = client.get("/admin/users/health-check", headers=MONITOR)
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unhealthy"
    assert body["trigger_installed"] is False
    assert body["errors"] == [
        "trigger on_auth_user_created on auth.users: missing "
        "(repair: python manage.py verify_migration --repair)"
    ]


def test_staff_health__disabled_trigger_is_503(client, db):
    disable_trigger()
    response = client.get("/admin/users/health-check", headers=MONITOR)
    assert response.status_code == 503
    assert "on_auth_user_created on auth.users: disabled" in response.json()["errors"][0]


def test_staff_health__recorded_trigger_failures_are_a_warning(client, auth_user_factory):
    record_trigger_failure(auth_user_factory())
    response = client.get("/admin/users/health-check", headers=MONITOR)
    assert response.status_code == 200
    body = response.json()
    assert body["trigger_failures"] == 1
    assert body["warnings"] == [
        "1 profile creations failed in the trigger; run sync_users to repair them"
    ]


def test_staff_health__row_level_security_off_is_a_warning(client, db):
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE public.user_profiles DISABLE ROW LEVEL SECURITY")
    response = client.get("/admin/users/health-check", headers=MONITOR)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["schema_groups"]["security"] is False
    assert any("row level security on public.user_profiles: off" in w for w in body["warnings"])


def test_staff_health__failed_last_sync_is_a_warning(client, db):
    from usersync.models import SyncRun

    SyncRun.objects.create(batch_size=10, triggered_by="test", status="failed", error="boom")
    body = client.get("/admin/users/health-check", headers=MONITOR).json()
    assert body["last_sync_status"] == "failed"
    assert any(w.endswith("failed: boom") for w in body["warnings"])


def test_staff_health__unreachable_database_is_503_with_the_detail_for_staff(database_down, client):
    response = client.get("/admin/users/health-check", headers=MONITOR)
    assert response.status_code == 503
    body = response.json()
    assert body["errors"] == ["the database is unreachable"]
    detail = body["checks"]["database"]["detail"]
    assert detail.startswith(f"cannot connect to the database at 127.0.0.1:{database_down}/")
    assert body["checks"]["schema"]["skipped"] is True


# The check objects


@dataclasses.dataclass
class Exploding(UsersyncCheck):
    name = "exploding"

    def run(self):
        raise RuntimeError("a bug")


def test_run_check__unexpected_error_is_an_unhealthy_result_not_an_exception(db):
    result = run_check(Exploding())
    assert Status.of(result.error) is Status.UNHEALTHY
    assert result.error.message == "the check failed"
    report = run_checks([Exploding()]).as_dict(detailed=True)
    assert report["checks"]["exploding"]["detail"] == "RuntimeError: a bug"


def test_health_check__restores_the_callers_statement_timeout(db):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = '42s'")
        check = health.TriggerCheck(timeout=datetime.timedelta(seconds=1))
        assert run_check(check).error is None
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "42s"


@pytest.mark.django_db(transaction=True)
def test_health_check__gives_up_after_its_timeout_with_a_safe_message():
    check = health.SyncCheck(timeout=datetime.timedelta(seconds=0.3))
    with connect() as locker, locker.transaction():
        locker.execute("LOCK TABLE public.user_profiles IN ACCESS EXCLUSIVE MODE")
        with pytest.raises(ServiceUnavailable) as raised:
            check.run()
    assert raised.value.message == "the database did not answer in time"
    assert "statement timeout" in str(raised.value.__cause__)


def test_health_check__unreachable_database_is_unavailable_without_the_address(database_down):
    with pytest.raises(ServiceUnavailable) as raised:
        health.DatabaseCheck().run()
    assert raised.value.message == "the database is unreachable"
    assert f"127.0.0.1:{database_down}" in str(raised.value.__cause__)


def test_run_checks__reports_the_rest_as_not_checked_after_the_database_fails(database_down):
    report = run_checks([health.DatabaseCheck(), health.SyncCheck()])
    assert [Status.of(r.error) for r in report.results] == [Status.UNHEALTHY] * 2
    assert isinstance(report.results[1].error, NotChecked)
    assert report.results[1].error.message == "not checked: the database is unavailable"
    assert report.http_status == 503


def test_sync_check__keeps_the_sync_status_it_measured(auth_user_factory):
    auth_user_factory(with_profile=False)
    check = health.SyncCheck()
    with pytest.raises(ServiceWarning) as raised:
        check.run()
    assert isinstance(check.sync_status, sync.SyncStatus)
    assert check.sync_status.missing_profiles == 1
    assert raised.value.message == "1 users need profile synchronization"


@pytest.fixture
def plain_staff_client(client, django_user_model):
    """A staff account of another app: no usersync permission at all."""
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("editor", "e@example.com", "pw", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="auth"))
    client.force_login(user)
    return client, user


@pytest.mark.parametrize("url", ["/admin/users/health-check", "/metrics"])
def test_staff_health_and_metrics__need_a_usersync_view_permission_not_only_staff(
    plain_staff_client, url
):
    from django.contrib.auth.models import Permission

    client, user = plain_staff_client
    refused = client.get(url)
    assert refused.status_code == 403
    assert "usersync view permission" in refused.json()["error"]
    user.user_permissions.add(Permission.objects.get(codename="view_syncrun"))
    client.force_login(type(user).objects.get(pk=user.pk))  # permissions are cached per object
    assert client.get(url).status_code == 200


def test_staff_health__serves_an_expensive_stored_count_unless_asked_to_recount(
    client, auth_user_factory, settings
):
    settings.USERSYNC_STATUS_CACHE_SECONDS = 60
    auth_user_factory.create_batch(2)
    first = client.get("/admin/users/health-check", headers=MONITOR).json()
    assert first["total_auth_users"] == 2
    counts.count_and_store(5)
    with connection.cursor() as cursor:  # as if counting were expensive at this size
        cursor.execute("UPDATE usersync.status_counts SET counted_in_seconds = 1.5")
    auth_user_factory(with_profile=False)
    with CaptureQueriesContext(connection) as stored_read:
        again = client.get("/admin/users/health-check", headers=MONITOR).json()
    assert (again["total_auth_users"], again["missing_profiles"]) == (2, 0)
    assert not any("status_counts" in q["sql"] and "INSERT" in q["sql"] for q in stored_read)
    recounted = client.get("/admin/users/health-check?recount=true", headers=MONITOR).json()
    assert (recounted["total_auth_users"], recounted["missing_profiles"]) == (3, 1)
    assert client.get("/admin/users/health-check?recount=maybe", headers=MONITOR).status_code == 400
