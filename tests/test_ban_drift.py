"""Deactivated in usersync, counted apart from banned in Supabase Auth; a deactivated
profile whose ban was lifted by hand is drift: shown by sync_status, /metrics and the
admin, and mended by sync_users (banned again, audited)."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.db import connect
from tests.test_metrics import scrape
from usersync import sync
from usersync.logs.audit import Actor
from usersync.models import AdminAuditLog, UserProfile
from usersync.staff import changes as staff_changes
from usersync.supabase_auth.bans import BANNED_UNTIL
from usersync.sync.defaults import store_default_role

pytestmark = pytest.mark.django_db(transaction=True)

SUPABASE_BAN = dt.timedelta(hours=876000)


@pytest.fixture
def actor(auth_user_factory):
    staff = auth_user_factory(email="alice@example.com")
    UserProfile.objects.filter(user_id=staff.pk).update(role="admin")
    return Actor("admin:alice", staff.pk)


@pytest.fixture(autouse=True)
def _setting_stored_again(settings):
    """The database keeps USERSYNC_BAN_IN_SUPABASE_AUTH between tests: store it as the
    test settings have it after each test."""
    yield
    settings.USERSYNC_BAN_IN_SUPABASE_AUTH = True
    store_default_role()


def banned_until(user_id) -> dt.datetime | None:
    with connect(user="supabase_auth_admin") as conn:
        return conn.execute("SELECT banned_until FROM users WHERE id = %s", [user_id]).fetchone()[0]


def set_banned_until(user_id, until: dt.datetime | None) -> None:
    """As the dashboard or auth.admin.updateUserById (ban_duration, or "none") does."""
    with connect(user="supabase_auth_admin") as conn:
        conn.execute("UPDATE users SET banned_until = %s WHERE id = %s", [until, user_id])


@pytest.fixture
def four_users(auth_user_factory, actor):
    """Deactivated (banned by usersync), banned in Supabase only, deactivated with the
    ban lifted by hand, and an ordinary user."""
    deactivated = auth_user_factory(email="gone@example.com")
    staff_changes.deactivate(deactivated.pk, actor, "left")
    supabase_banned = auth_user_factory(email="spam@example.com")
    supabase_ban = dt.datetime.now(dt.UTC) + SUPABASE_BAN
    set_banned_until(supabase_banned.pk, supabase_ban)
    lifted = auth_user_factory(email="lifted@example.com")
    staff_changes.deactivate(lifted.pk, actor, "abuse")
    set_banned_until(lifted.pk, None)
    auth_user_factory(email="ok@example.com")
    return {
        "deactivated": deactivated,
        "supabase": (supabase_banned, supabase_ban),
        "lifted": lifted,
    }


def test_status__counts_banned_apart_from_deactivated_and_the_drift(four_users):
    status = sync.status()
    assert (status.deactivated_profiles, status.banned_users, status.ban_lifted_by_hand) == (
        2,
        2,
        1,
    )


def test_a_ban_that_expired__is_drift_too(auth_user_factory, actor):
    user = auth_user_factory()
    staff_changes.deactivate(user.pk, actor, "left")
    set_banned_until(user.pk, dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    status = sync.status()
    assert (status.banned_users, status.ban_lifted_by_hand) == (0, 1)


def test_sync_status__text_and_json_show_the_counts_and_the_drift(four_users):
    out = StringIO()
    call_command("sync_status", stdout=out)
    text = out.getvalue()
    assert "Deactivated in usersync: 2; banned in Supabase Auth: 2" in text
    assert (
        "1 deactivated profile is not banned in Supabase Auth (ban lifted outside usersync): "
        "sync_users bans it again" in text
    )
    out = StringIO()
    call_command("sync_status", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert (data["deactivated_profiles"], data["banned_users"], data["ban_lifted_by_hand"]) == (
        2,
        2,
        1,
    )


def test_metrics__count_the_ban_apart(client, four_users):
    samples = scrape(client)
    assert samples["usersync_deactivated_profiles"] == 2.0
    assert samples["usersync_banned_users"] == 2.0
    assert samples["usersync_ban_lifted_by_hand"] == 1.0


def test_admin_status_panel__shows_the_counts_and_the_drift_in_red(admin_client, four_users):
    response = admin_client.get(reverse("admin:app_list", args=["usersync"]))
    lines = {line.label: (line.value, line.ok) for line in response.context["sync_status"]}
    assert lines["Deactivated / banned"] == (
        "2 deactivated in usersync; 2 banned in Supabase Auth",
        True,
    )
    assert lines["Ban lifted by hand"][1] is False
    assert "Ban lifted by hand" in response.content.decode()


def test_sync_users__bans_again_audited_and_touches_no_other_ban(four_users, actor):
    lifted = four_users["lifted"]
    supabase_user, supabase_ban = four_users["supabase"]
    out = StringIO()
    call_command("sync_users", stdout=out)
    assert (
        "Banned again in Supabase Auth: 1 deactivated user whose ban was lifted outside "
        "usersync (audited)." in out.getvalue()
    )
    assert banned_until(lifted.pk) == BANNED_UNTIL
    assert banned_until(supabase_user.pk) == supabase_ban
    entry = AdminAuditLog.objects.get(action="supabase_auth_ban_restored")
    assert entry.target_user_id == lifted.pk
    assert entry.old_values == {"banned_until": None}
    assert entry.new_values == {"banned_until": "2999-12-31T23:59:59+00:00"}
    assert entry.actor == "command:sync_users"
    assert sync.status().ban_lifted_by_hand == 0
    # A second run finds nothing to mend.
    assert sync.sync(triggered_by="test").bans_restored == 0
    # The reactivation lifts the ban the sync set again.
    staff_changes.reactivate(lifted.pk, actor, "back")
    assert banned_until(lifted.pk) is None


def test_with_the_setting_off__no_drift_and_nothing_mended(four_users, settings):
    settings.USERSYNC_BAN_IN_SUPABASE_AUTH = False
    result = sync.sync(triggered_by="test")  # stores the setting first
    assert result.bans_restored == 0
    assert banned_until(four_users["lifted"].pk) is None
    status = sync.status()
    assert (status.deactivated_profiles, status.banned_users, status.ban_lifted_by_hand) == (
        2,
        2,
        0,
    )
    assert not AdminAuditLog.objects.filter(action="supabase_auth_ban_restored").exists()
