"""Deactivation is also Supabase Auth's own ban: auth.users.banned_until, set in the
deactivation's transaction, lifted by a reactivation only while it is the one usersync
set, and a ban set in Supabase (ban_duration) left alone or brought back."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.db import connection, connections, transaction

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


# A deactivation racing a sign-in (the auth service's UPDATE of last_sign_in_at, whose
# trigger moves the profile's last_login): each waits for the other's row locks, both
# complete, and the profile ends deactivated with the ban set. Who waits is read from
# pg_locks, never guessed with a sleep.


def wait_until_blocked_by(conn, holder_pid: int) -> None:
    """Until some backend waits for a lock `holder_pid` holds (pg_locks; 30 s at most)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if conn.execute(
            "SELECT EXISTS (SELECT FROM pg_locks w WHERE NOT w.granted"
            " AND %s = ANY (pg_blocking_pids(w.pid)))",
            [holder_pid],
        ).fetchone()[0]:
            return
        threading.Event().wait(0.01)
    raise AssertionError(f"nothing ever waited for backend {holder_pid}")


def in_thread(target, *args) -> tuple[threading.Thread, dict]:
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["result"] = target(*args)
        except BaseException as error:  # reported by the test, not lost in the thread
            outcome["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def ends_deactivated_and_banned(user_id, signed_in_at: dt.datetime) -> None:
    profile = UserProfile.objects.get(user_id=user_id)
    assert profile.is_active is False
    assert profile.last_login == signed_in_at
    assert banned_until(user_id) == BANNED_UNTIL


def test_a_deactivation_during_a_sign_in__waits_and_both_complete(auth_user_factory, actor):
    user = auth_user_factory()
    signed_in_at = dt.datetime.now(dt.UTC).replace(microsecond=0)
    with connect(user="supabase_auth_admin", autocommit=False) as signin, connect() as watcher:
        signin.execute(
            "UPDATE users SET last_sign_in_at = %s WHERE id = %s", [signed_in_at, user.pk]
        )
        thread, outcome = in_thread(staff_changes.deactivate, user.pk, actor, "left")
        wait_until_blocked_by(watcher, signin.info.backend_pid)
        signin.commit()
        thread.join(30)
    assert not thread.is_alive() and "error" not in outcome
    ends_deactivated_and_banned(user.pk, signed_in_at)


def test_a_sign_in_during_a_deactivation__waits_and_both_complete(auth_user_factory, actor):
    user = auth_user_factory()
    signed_in_at = dt.datetime.now(dt.UTC).replace(microsecond=0)
    deactivated, release = threading.Event(), threading.Event()
    pids: list[int] = []

    def deactivate_and_hold() -> None:
        with transaction.atomic():
            staff_changes.deactivate(user.pk, actor, "left")
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                pids.append(cursor.fetchone()[0])
            deactivated.set()
            assert release.wait(30)

    def sign_in() -> int:
        with connect(user="supabase_auth_admin") as conn:
            return conn.execute(
                "UPDATE users SET last_sign_in_at = %s WHERE id = %s", [signed_in_at, user.pk]
            ).rowcount

    staff, staff_outcome = in_thread(deactivate_and_hold)
    assert deactivated.wait(30)
    signin, signin_outcome = in_thread(sign_in)
    with connect() as watcher:
        wait_until_blocked_by(watcher, pids[0])
    release.set()
    staff.join(30)
    signin.join(30)
    assert not staff.is_alive() and "error" not in staff_outcome
    assert not signin.is_alive() and signin_outcome == {"result": 1}
    ends_deactivated_and_banned(user.pk, signed_in_at)
