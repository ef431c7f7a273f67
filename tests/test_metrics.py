"""GET /metrics in the Prometheus text format, read back with prometheus_client's parser."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from tests.tokens import MONITORING_TOKEN, bearer
from usersync import sync
from usersync.models import TriggerFailure


def scrape(client) -> dict[str, float]:
    response = client.get("/metrics", headers=bearer(MONITORING_TOKEN))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    return {
        sample.name: sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def test_metrics__report_the_sync_state(client, auth_user_factory):
    from django.utils import timezone

    auth_user_factory.create_batch(2)
    missing = auth_user_factory(with_profile=False)
    auth_user_factory(with_profile=False, deleted_at=timezone.now())
    auth_user_factory(is_anonymous=True, email=None)
    TriggerFailure.objects.create(
        user_id=missing.pk, source="on_auth_user_created", sqlstate="42501", message="denied"
    )
    before = timezone.now().timestamp()
    samples = scrape(client)
    measured = samples.pop("usersync_status_measured_timestamp_seconds")
    assert before - 60 < measured <= timezone.now().timestamp()
    assert samples == {
        "usersync_database_up": 1.0,
        "usersync_auth_users": 5.0,
        "usersync_profiles": 3.0,
        "usersync_missing_profiles": 1.0,
        "usersync_sync_percentage": 75.0,
        "usersync_orphan_profiles": 0.0,
        "usersync_soft_deleted_users": 1.0,
        "usersync_anonymous_users": 1.0,
        "usersync_deactivated_profiles": 0.0,
        "usersync_banned_users": 0.0,
        "usersync_ban_lifted_by_hand": 0.0,
        "usersync_trigger_installed": 1.0,
        "usersync_trigger_enabled": 1.0,
        "usersync_trigger_failures": 1.0,
    }


def test_metrics__report_the_last_sync_run(client, auth_user_factory):
    auth_user_factory.create_batch(2, with_profile=False)
    result = sync.sync(batch_size=10)
    samples = scrape(client)
    assert samples["usersync_last_sync_created"] == 2.0
    assert samples["usersync_last_sync_succeeded"] == 1.0
    assert samples["usersync_last_sync_timestamp_seconds"] == result.started_at.timestamp()
    assert samples["usersync_last_sync_duration_seconds"] >= 0
    assert samples["usersync_missing_profiles"] == 0.0
    assert samples["usersync_trigger_failures"] == 0.0


def test_metrics__dropped_trigger_shows_as_zero(client, db):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER on_auth_user_created ON auth.users")
    samples = scrape(client)
    assert (samples["usersync_trigger_installed"], samples["usersync_trigger_enabled"]) == (0, 0)


def test_metrics__unreachable_database_is_database_up_zero_and_nothing_else(database_down, client):
    assert scrape(client) == {"usersync_database_up": 0.0}
