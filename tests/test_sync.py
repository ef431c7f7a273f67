"""The sync engine against a real PostgreSQL: status, dry run, sync, preserve mode."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from usersync import sync
from usersync.models import AdminAuditLog, SyncRun, TriggerFailure, UserProfile

pytestmark = pytest.mark.django_db


def profiles_checksum() -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) "
            "FROM public.user_profiles t"
        )
        return cursor.fetchone()[0]


@pytest.fixture
def mixed_users(auth_user_factory):
    """3 with profiles, 2 without (one via GitHub), 1 soft-deleted without, 1 anonymous without."""
    return {
        "synced": [auth_user_factory() for _ in range(3)],
        "missing": [
            auth_user_factory(with_profile=False),
            auth_user_factory(with_profile=False, provider="github"),
        ],
        "deleted": auth_user_factory(with_profile=False, deleted_at=timezone.now()),
        "anonymous": auth_user_factory(
            with_profile=False, is_anonymous=True, email=None, provider="anonymous"
        ),
    }


def test_status__counts_missing_deleted_anonymous_and_the_percentage(mixed_users):
    status = sync.status()
    assert status.as_dict() | {"last_sync": None, "measured_at": None} == {
        "total_auth_users": 7,
        "total_profiles": 3,
        "missing_profiles": 3,
        "sync_percentage": 50.0,
        "eligible_users": 6,
        "orphan_profiles": 0,
        "soft_deleted_users": 1,
        "anonymous_users": 1,
        "trigger_installed": True,
        "trigger_enabled": True,
        "trigger_failures": 0,
        "last_sync": None,
        "profiles_of_eligible_users": 3,
        "profiles_of_soft_deleted_users": 0,
        "banned_users": 0,
        "deactivated_profiles": 0,
        "ban_lifted_by_hand": 0,
        "measured_at": None,
        "running_sync": None,
        "signin_trigger_installed": True,
        "signin_trigger_enabled": True,
        "problems": ["3 users need profile synchronization; run sync_users"],
    }


def test_status__of_an_empty_project_is_100_percent():
    assert (sync.status().sync_percentage, sync.status().missing_profiles) == (100.0, 0)


def test_status__counts_orphan_profiles_and_a_disabled_trigger(auth_user_factory):
    auth_user_factory()
    UserProfile.objects.create(user=None, role="user")
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE auth.users DISABLE TRIGGER on_auth_user_created")
    status = sync.status()
    assert (status.orphan_profiles, status.trigger_installed, status.trigger_enabled) == (
        1,
        True,
        False,
    )


def test_plan__counts_exactly_lists_a_bounded_sample_and_writes_nothing(mixed_users):
    before = profiles_checksum()
    planned = sync.plan(sample_limit=1)
    assert (planned.would_create, len(planned.sample)) == (3, 1)
    assert planned.as_dict()["sample_truncated"] is True
    assert profiles_checksum() == before
    assert not SyncRun.objects.exists()


def test_sync__creates_every_missing_profile_but_none_for_soft_deleted_users(mixed_users):
    result = sync.sync(batch_size=2)
    assert (result.created, result.scanned) == (3, 7)
    missing_ids = {u.pk for u in mixed_users["missing"]} | {mixed_users["anonymous"].pk}
    created = UserProfile.objects.filter(user_id__in=missing_ids)
    assert sorted(created.values_list("role", "is_active")) == [("user", True)] * 3
    assert not UserProfile.objects.filter(user_id=mixed_users["deleted"].pk).exists()
    github = UserProfile.objects.get(user_id=mixed_users["missing"][1].pk)
    assert (github.sso_provider, github.sso_user_id) == (
        "github",
        f"github-{mixed_users['missing'][1].pk.hex[:10]}",
    )
    assert sync.status().missing_profiles == 0


def test_sync__is_recorded_and_reported_as_the_last_sync(mixed_users):
    result = sync.sync(triggered_by="test")
    run = SyncRun.objects.get(pk=result.run_id)
    assert (run.status, run.created, run.batches, run.triggered_by) == ("succeeded", 3, 1, "test")
    last = sync.status().last_sync
    assert (last.id, last.created, last.status) == (run.pk, 3, "succeeded")


def test_sync__rerun_changes_nothing(mixed_users):
    sync.sync()
    before = profiles_checksum()
    result = sync.sync()
    assert (result.created, result.filled) == (0, 0)
    assert profiles_checksum() == before


def test_sync__fills_nulls_from_auth_data_without_changing_set_values(auth_user_factory):
    signed_in = timezone.now() - dt.timedelta(days=1)
    google = auth_user_factory(provider="google", last_sign_in_at=signed_in)
    kept = auth_user_factory(provider="github", last_sign_in_at=signed_in)
    UserProfile.objects.filter(user_id=google.pk).update(sso_provider=None, sso_user_id=None)
    # A last_login later than auth's last sign-in is kept (one older is drift, mended:
    # tests/test_signin_trigger.py).
    UserProfile.objects.filter(user_id=kept.pk).update(
        sso_provider="custom", sso_user_id="kept-id", last_login=signed_in + dt.timedelta(days=9)
    )
    result = sync.sync()
    assert result.filled == 1
    filled = UserProfile.objects.get(user_id=google.pk)
    assert (filled.sso_provider, filled.sso_user_id, filled.last_login) == (
        "google",
        f"google-{google.pk.hex[:10]}",
        signed_in,
    )
    untouched = UserProfile.objects.get(user_id=kept.pk)
    assert (untouched.sso_provider, untouched.sso_user_id, untouched.last_login) == (
        "custom",
        "kept-id",
        signed_in + dt.timedelta(days=9),
    )


def test_sync__repairs_recorded_trigger_failures(auth_user_factory):
    user = auth_user_factory(with_profile=False)
    TriggerFailure.objects.create(
        user_id=user.pk,
        source="on_auth_user_created",
        sqlstate="42501",
        message="permission denied",
    )
    assert sync.status().trigger_failures == 1
    result = sync.sync()
    assert result.resolved_trigger_failures == 1
    assert sync.status().trigger_failures == 0


def test_sync_without_preserve__resets_profiles_and_audits_every_old_value(auth_user_factory):
    staff = auth_user_factory()
    user = auth_user_factory(provider="google")
    UserProfile.objects.filter(user_id=user.pk).update(
        role="admin",
        is_active=False,
        deactivated_at=timezone.now(),
        deactivated_by=staff.pk,
        deactivation_reason="spam",
    )
    result = sync.sync(preserve=False, triggered_by="command:sync_users")
    assert result.reset == 1
    profile = UserProfile.objects.get(user_id=user.pk)
    assert (profile.role, profile.is_active, profile.deactivated_by_id) == ("user", True, None)
    entry = AdminAuditLog.objects.get(action="profile_reset")
    assert entry.target_user_id == user.pk
    assert entry.actor == "command:sync_users"
    assert entry.old_values["role"] == "admin"
    assert entry.old_values["is_active"] is False
    assert entry.old_values["deactivated_by"] == str(staff.pk)
    assert entry.old_values["deactivation_reason"] == "spam"
    assert entry.new_values["role"] == "user"
    assert entry.details == {"sync_run_id": result.run_id}
