"""Staff changes to profiles: role, deactivation, reactivation, the sync; each checked
under a row lock and audited."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection

from tests.db import connect
from usersync.errors import (
    BadInput,
    LastActiveAdmin,
    NoProfile,
    NothingToChange,
    OwnProfile,
    UnknownUser,
)
from usersync.logs.audit import Actor
from usersync.models import AdminAuditLog, SyncRun, UserProfile
from usersync.staff import changes as staff_changes
from usersync.staff.changes import ACTIVE_ADMINS_LOCK

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_member(auth_user_factory):
    """A staff member's own auth user, an active admin."""
    user = auth_user_factory(email="alice@example.com")
    UserProfile.objects.filter(user_id=user.pk).update(role="admin")
    return user


@pytest.fixture
def actor(staff_member):
    return Actor("admin:alice", staff_member.pk)


def json_time(value) -> str:
    """A time as the audit log's JSON holds it (milliseconds)."""
    return DjangoJSONEncoder().default(value)


def profile(user) -> UserProfile:
    return UserProfile.objects.get(user_id=user.pk)


def test_change_role__changes_it_and_audits_the_old_and_new_role(auth_user_factory, actor):
    target = auth_user_factory(email="bob@example.com")
    change = staff_changes.change_role(str(target.pk), "admin", actor, reason="  runs support ")
    assert profile(target).role == "admin"
    entry = AdminAuditLog.objects.get()
    assert (entry.pk, change.audit_id) == (change.audit_id, entry.pk)
    assert {
        "actor": entry.actor,
        "actor_user_id": entry.actor_user_id,
        "action": entry.action,
        "target_user_id": entry.target_user_id,
        "old_values": entry.old_values,
        "new_values": entry.new_values,
        "reason": entry.reason,
        "details": entry.details,
    } == {
        "actor": "admin:alice",
        "actor_user_id": actor.auth_user_id,
        "action": "role_changed",
        "target_user_id": target.pk,
        "old_values": {"role": "user"},
        "new_values": {"role": "admin"},
        "reason": "runs support",
        "details": {"email": "bob@example.com"},
    }
    assert change.as_dict() == {
        "user_id": str(target.pk),
        "email": "bob@example.com",
        "action": "role_changed",
        "old_values": {"role": "user"},
        "new_values": {"role": "admin"},
        "reason": "runs support",
        "audit_id": entry.pk,
    }


@pytest.mark.parametrize(
    ("role", "error", "message"),
    [
        ("owner", BadInput, "unknown role 'owner'; allowed: user, admin"),
        ("user", NothingToChange, "already has the role user"),
    ],
)
def test_change_role__refuses_an_unknown_or_unchanged_role(
    auth_user_factory, actor, role, error, message
):
    target = auth_user_factory()
    with pytest.raises(error, match=message):
        staff_changes.change_role(target.pk, role, actor)
    assert not AdminAuditLog.objects.exists()


def test_change_role__refuses_to_take_the_admin_role_from_the_last_active_admin(
    staff_member, actor
):
    with pytest.raises(LastActiveAdmin, match="last active admin profile"):
        staff_changes.change_role(staff_member.pk, "user", Actor("admin:other"))
    assert profile(staff_member).role == "admin"
    assert not AdminAuditLog.objects.exists()


def test_deactivate__sets_the_deactivation_fields_and_audits_them(auth_user_factory, actor):
    target = auth_user_factory(email="bob@example.com")
    change = staff_changes.deactivate(target.pk, actor, "left the company")
    row = profile(target)
    assert (row.is_active, row.deactivated_by_id, row.deactivation_reason) == (
        False,
        actor.auth_user_id,
        "left the company",
    )
    entry = AdminAuditLog.objects.get()
    assert (entry.action, entry.target_user_id, entry.reason) == (
        "deactivated",
        target.pk,
        "left the company",
    )
    assert entry.old_values == {
        "is_active": True,
        "deactivated_at": None,
        "deactivated_by": None,
        "deactivation_reason": None,
    }
    assert entry.new_values == {
        "is_active": False,
        "deactivated_at": json_time(row.deactivated_at),
        "deactivated_by": str(actor.auth_user_id),
        "deactivation_reason": "left the company",
    }
    assert change.new_values == entry.new_values


def test_deactivate__by_a_staff_member_without_linked_auth_user_leaves_deactivated_by_empty(
    auth_user_factory,
):
    target = auth_user_factory()
    staff_changes.deactivate(target.pk, Actor("admin:carol"), "spam")
    assert profile(target).deactivated_by_id is None
    assert AdminAuditLog.objects.get().actor_user_id is None


def test_deactivate__refuses_the_actors_own_profile(staff_member, auth_user_factory, actor):
    UserProfile.objects.filter(user_id=auth_user_factory().pk).update(role="admin")
    with pytest.raises(OwnProfile, match="you cannot deactivate your own profile"):
        staff_changes.deactivate(staff_member.pk, actor, "testing")
    assert profile(staff_member).is_active is True


def test_change_role__refuses_the_actors_own_profile(staff_member, actor):
    with pytest.raises(OwnProfile, match="you cannot change your own role"):
        staff_changes.change_role(staff_member.pk, "user", actor)
    with pytest.raises(OwnProfile):
        staff_changes.change_role(staff_member.pk, "admin", Actor("admin:alice", staff_member.pk))
    assert profile(staff_member).role == "admin"


def test_deactivate__refuses_the_last_active_admin_but_not_one_of_two(
    staff_member, auth_user_factory
):
    other_admin = auth_user_factory()
    UserProfile.objects.filter(user_id=other_admin.pk).update(role="admin", is_active=False)
    with pytest.raises(LastActiveAdmin, match=f"cannot deactivate {staff_member.email}:"):
        staff_changes.deactivate(staff_member.pk, Actor("admin:bob"), "testing")
    staff_changes.reactivate(other_admin.pk, Actor("admin:bob"))
    staff_changes.deactivate(staff_member.pk, Actor("admin:bob"), "testing")
    assert profile(staff_member).is_active is False


@pytest.mark.parametrize(
    "cannot_sign_in",
    ["banned_until = now() + interval '1 day'", "deleted_at = now()"],
)
def test_deactivate__counts_only_other_admins_who_can_sign_in(
    staff_member, auth_user_factory, cannot_sign_in
):
    other_admin = auth_user_factory()
    UserProfile.objects.filter(user_id=other_admin.pk).update(role="admin")
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE auth.users SET {cannot_sign_in} WHERE id = %s", [other_admin.pk])
    with pytest.raises(LastActiveAdmin, match=f"cannot deactivate {staff_member.email}"):
        staff_changes.deactivate(staff_member.pk, Actor("admin:bob"), "testing")
    with pytest.raises(LastActiveAdmin, match="cannot take the admin role from"):
        staff_changes.change_role(staff_member.pk, "user", Actor("admin:bob"))
    assert (profile(staff_member).role, profile(staff_member).is_active) == ("admin", True)


def test_deactivate__counts_an_admin_whose_ban_has_ended(staff_member, auth_user_factory):
    other_admin = auth_user_factory()
    UserProfile.objects.filter(user_id=other_admin.pk).update(role="admin")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE auth.users SET banned_until = now() - interval '1 day' WHERE id = %s",
            [other_admin.pk],
        )
    staff_changes.deactivate(staff_member.pk, Actor("admin:bob"), "testing")
    assert profile(staff_member).is_active is False


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("   ", "a reason is required"),
        ("x" * 256, "the reason is 256 characters long; at most 255 fit"),
    ],
)
def test_deactivate__needs_a_reason_that_fits_the_column(auth_user_factory, actor, reason, message):
    target = auth_user_factory()
    with pytest.raises(BadInput, match=message):
        staff_changes.deactivate(target.pk, actor, reason)
    assert profile(target).is_active is True


def test_deactivate__names_what_it_cannot_find_or_change(auth_user_factory, actor):
    without_profile = auth_user_factory(with_profile=False)
    unknown = uuid.uuid4()
    inactive = auth_user_factory()
    staff_changes.deactivate(inactive.pk, actor, "first")
    with pytest.raises(NoProfile, match=f"^{without_profile.email} has no profile"):
        staff_changes.deactivate(without_profile.pk, actor, "x")
    with pytest.raises(UnknownUser, match=f"no auth user with id {unknown}"):
        staff_changes.deactivate(unknown, actor, "x")
    with pytest.raises(NothingToChange, match="is already inactive"):
        staff_changes.deactivate(inactive.pk, actor, "again")
    with pytest.raises(BadInput, match="not a user id"):
        staff_changes.deactivate("nope", actor, "x")
    assert AdminAuditLog.objects.count() == 1


def test_reactivate__clears_the_deactivation_fields_and_audits_them(auth_user_factory, actor):
    target = auth_user_factory()
    staff_changes.deactivate(target.pk, actor, "spam")
    deactivated = profile(target)
    staff_changes.reactivate(target.pk, actor, reason="appeal accepted")
    row = profile(target)
    assert (row.is_active, row.deactivated_at, row.deactivated_by_id, row.deactivation_reason) == (
        True,
        None,
        None,
        None,
    )
    entry = AdminAuditLog.objects.latest("id")
    assert (entry.action, entry.reason) == ("reactivated", "appeal accepted")
    assert entry.old_values == {
        "is_active": False,
        "deactivated_at": json_time(deactivated.deactivated_at),
        "deactivated_by": str(actor.auth_user_id),
        "deactivation_reason": "spam",
    }
    assert entry.new_values == {
        "is_active": True,
        "deactivated_at": None,
        "deactivated_by": None,
        "deactivation_reason": None,
    }
    with pytest.raises(NothingToChange, match="is already active"):
        staff_changes.reactivate(target.pk, actor)


def test_run_sync__creates_the_missing_profiles_and_audits_the_run(auth_user_factory, actor):
    missing = [auth_user_factory(with_profile=False) for _ in range(3)]
    result = staff_changes.run_sync(actor)
    assert result.created == 3
    assert UserProfile.objects.filter(user_id__in=[u.pk for u in missing]).count() == 3
    assert SyncRun.objects.get(pk=result.run_id).triggered_by == "admin:alice"
    entry = AdminAuditLog.objects.get()
    assert (entry.action, entry.target_user_id, entry.new_values, entry.details) == (
        "sync_run",
        None,
        {"created": 3, "filled": 0},
        {"run_id": result.run_id, "batches": 1},
    )


def _waiting_advisory_locks() -> int:
    with connect() as conn:
        return conn.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
        ).fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_deactivate__of_the_last_two_admins_at_once__refuses_one(auth_user_factory):
    admins = [auth_user_factory(), auth_user_factory()]
    UserProfile.objects.update(role="admin")
    outcomes: dict[uuid.UUID, str] = {}

    def deactivate(user_id: uuid.UUID) -> None:
        try:
            staff_changes.deactivate(user_id, Actor(f"admin:{user_id}"), "both at once")
            outcomes[user_id] = "deactivated"
        except LastActiveAdmin:
            outcomes[user_id] = "refused"
        finally:
            connection.close()

    # Hold the admins' lock so that both changes are under way (rows locked) before
    # either may count the remaining admins.
    with connect(autocommit=False) as blocker:
        blocker.execute("SELECT pg_advisory_xact_lock(%s)", [ACTIVE_ADMINS_LOCK])
        threads = [threading.Thread(target=deactivate, args=(a.pk,)) for a in admins]
        for thread in threads:
            thread.start()
        for _ in range(400):
            if _waiting_advisory_locks() == 2:
                break
            time.sleep(0.025)
        assert _waiting_advisory_locks() == 2
        blocker.rollback()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values()) == ["deactivated", "refused"]
    assert UserProfile.objects.filter(role="admin", is_active=True).count() == 1
    assert AdminAuditLog.objects.filter(action="deactivated").count() == 1


def _waiting_row_locks() -> int:
    with connect() as conn:
        return conn.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        ).fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_change_role__by_an_admin_deactivated_meanwhile__waits_for_it_and_is_refused(
    auth_user_factory,
):
    acting, target = auth_user_factory(), auth_user_factory()
    UserProfile.objects.filter(user_id=acting.pk).update(role="admin")
    UserProfile.objects.filter(user_id=target.pk).update(role="admin")
    actor = Actor("api:acting", acting.pk, must_be_admin=True)
    outcome: list[str] = []

    def demote() -> None:
        try:
            staff_changes.change_role(target.pk, "user", actor)
            outcome.append("changed")
        except staff_changes.ActorNotAllowed as refused:
            outcome.append(str(refused))
        finally:
            connection.close()

    # Another connection deactivates the acting admin and holds the row until it commits.
    with connect(autocommit=False) as other:
        other.execute(
            "UPDATE public.user_profiles SET is_active = false WHERE user_id = %s", [acting.pk]
        )
        thread = threading.Thread(target=demote)
        thread.start()
        for _ in range(400):
            if outcome or _waiting_row_locks():
                break
            time.sleep(0.025)
        other.commit()
    thread.join(timeout=30)
    assert outcome == ["api:acting is no longer an active admin: the change was not made"]
    assert profile(target).role == "admin"
    assert not AdminAuditLog.objects.filter(action="role_changed").exists()


def test_change_role__by_an_api_actor_whose_profile_is_not_admin__is_refused(
    auth_user_factory, staff_member
):
    plain, target = auth_user_factory(), auth_user_factory()
    with pytest.raises(staff_changes.ActorNotAllowed):
        staff_changes.change_role(target.pk, "admin", Actor("api:x", plain.pk, must_be_admin=True))
    staff_changes.change_role(
        target.pk, "admin", Actor("api:a", staff_member.pk, must_be_admin=True)
    )
    assert profile(target).role == "admin"
