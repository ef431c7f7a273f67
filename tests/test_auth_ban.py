"""Deactivation is also Supabase Auth's own ban: auth.users.banned_until, set in the
deactivation's transaction, lifted by a reactivation only while it is the one usersync
set, and a ban set in Supabase (ban_duration) left alone or brought back."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.db import connect
from usersync.errors import LastActiveAdmin
from usersync.logs.audit import Actor
from usersync.models import AdminAuditLog, UserProfile
from usersync.staff import changes as staff_changes
from usersync.supabase_auth.bans import BANNED_UNTIL, DETAILS_KEY

pytestmark = pytest.mark.django_db(transaction=True)

# What Supabase's dashboard and auth.admin.updateUserById(id, {ban_duration: "876000h"})
# write: now plus the duration (internal/models/user.go, User.Ban), with microseconds.
SUPABASE_BAN = dt.timedelta(hours=876000)


@pytest.fixture
def actor(auth_user_factory):
    staff = auth_user_factory(email="alice@example.com")
    UserProfile.objects.filter(user_id=staff.pk).update(role="admin")
    return Actor("admin:alice", staff.pk)


def banned_until(user_id) -> dt.datetime | None:
    """As the auth service reads it: logged in as supabase_auth_admin."""
    with connect(user="supabase_auth_admin") as conn:
        return conn.execute("SELECT banned_until FROM users WHERE id = %s", [user_id]).fetchone()[0]


def ban_in_supabase(user_id, until: dt.datetime) -> None:
    with connect(user="supabase_auth_admin") as conn:
        conn.execute("UPDATE users SET banned_until = %s WHERE id = %s", [until, user_id])


def details(change) -> dict:
    return AdminAuditLog.objects.get(pk=change.audit_id).details[DETAILS_KEY]


def test_deactivate__bans_in_supabase_auth_and_reactivate_lifts_it(auth_user_factory, actor):
    user = auth_user_factory()
    deactivated = staff_changes.deactivate(user.pk, actor, "left the company")
    assert banned_until(user.pk) == BANNED_UNTIL
    assert details(deactivated) == {
        "set_by_usersync": True,
        "banned_until": "2999-12-31T23:59:59+00:00",
        "previous_banned_until": None,
    }
    reactivated = staff_changes.reactivate(user.pk, actor, "came back")
    assert banned_until(user.pk) is None
    assert details(reactivated) == {"lifted": True, "banned_until": None}


def test_a_ban_set_in_supabase_before__comes_back_at_reactivation(auth_user_factory, actor):
    user = auth_user_factory()
    supabase_ban = dt.datetime.now(dt.UTC) + SUPABASE_BAN
    ban_in_supabase(user.pk, supabase_ban)
    deactivated = staff_changes.deactivate(user.pk, actor, "abuse")
    assert banned_until(user.pk) == BANNED_UNTIL
    assert details(deactivated)["previous_banned_until"] == supabase_ban.isoformat()
    staff_changes.reactivate(user.pk, actor)
    assert banned_until(user.pk) == supabase_ban


def test_an_expired_supabase_ban__is_not_brought_back(auth_user_factory, actor):
    user = auth_user_factory()
    ban_in_supabase(user.pk, dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    staff_changes.deactivate(user.pk, actor, "abuse")
    staff_changes.reactivate(user.pk, actor)
    assert banned_until(user.pk) is None


def test_a_ban_changed_in_supabase_after_deactivation__is_left_as_it_is(auth_user_factory, actor):
    user = auth_user_factory()
    staff_changes.deactivate(user.pk, actor, "abuse")
    supabase_ban = dt.datetime.now(dt.UTC) + SUPABASE_BAN
    ban_in_supabase(user.pk, supabase_ban)
    reactivated = staff_changes.reactivate(user.pk, actor)
    assert banned_until(user.pk) == supabase_ban
    assert details(reactivated)["lifted"] is False
    assert UserProfile.objects.get(user_id=user.pk).is_active is True


def test_with_the_setting_off__neither_bans_nor_lifts(auth_user_factory, actor, settings):
    user = auth_user_factory()
    supabase_ban = dt.datetime.now(dt.UTC) + SUPABASE_BAN
    ban_in_supabase(user.pk, supabase_ban)
    settings.USERSYNC_BAN_IN_SUPABASE_AUTH = False
    deactivated = staff_changes.deactivate(user.pk, actor, "abuse")
    assert banned_until(user.pk) == supabase_ban
    assert DETAILS_KEY not in AdminAuditLog.objects.get(pk=deactivated.audit_id).details
    reactivated = staff_changes.reactivate(user.pk, actor)
    assert banned_until(user.pk) == supabase_ban
    assert DETAILS_KEY not in AdminAuditLog.objects.get(pk=reactivated.audit_id).details


def test_a_refused_deactivation__leaves_banned_until_untouched(auth_user_factory):
    admin = auth_user_factory()
    UserProfile.objects.filter(user_id=admin.pk).update(role="admin")
    with pytest.raises(LastActiveAdmin):
        staff_changes.deactivate(admin.pk, Actor("admin:bob"), "testing")
    assert banned_until(admin.pk) is None


def test_the_ban__is_undone_with_a_deactivation_that_fails_later(auth_user_factory, actor):
    """The ban is written in the deactivation's transaction: when its last step (the
    audit entry) fails, the user is neither deactivated nor banned."""
    user = auth_user_factory()
    with connect() as admin:
        admin.execute(
            "ALTER TABLE public.admin_audit_log ADD CONSTRAINT test_refuse_deactivations "
            "CHECK (action <> 'deactivated') NOT VALID"
        )
    try:
        with pytest.raises(Exception, match="test_refuse_deactivations"):
            staff_changes.deactivate(user.pk, actor, "abuse")
    finally:
        with connect() as admin:
            admin.execute(
                "ALTER TABLE public.admin_audit_log DROP CONSTRAINT test_refuse_deactivations"
            )
    assert banned_until(user.pk) is None
    assert UserProfile.objects.get(user_id=user.pk).is_active is True
