"""Role changes, deactivation and reactivation: audited, and never leaving nobody to
manage users (also when two demotions race on separate connections)."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection

from tests.factories import AuthUserFactory, profile_of
from usersync import audit, staff_actions
from usersync.errors import InvalidField
from usersync.models import AdminAuditLog, UserProfile
from usersync.profiles import UnknownUser
from usersync.staff_actions import LastActiveAdmin, NoProfile


@pytest.fixture
def staff(admin):
    return audit.Actor("admin:ada", auth_user_id=admin.pk)


def test_change_role__updates_the_profile_and_audits_old_and_new(auth_user_factory, staff):
    member = auth_user_factory()
    change = staff_actions.change_role(member.pk, "admin", staff, reason="on call")
    assert change.as_dict() == {
        "user_id": str(member.pk),
        "action": "role_changed",
        "changed": True,
        "old_values": {"role": "user"},
        "new_values": {"role": "admin"},
    }
    assert profile_of(member).role == "admin"
    entry = AdminAuditLog.objects.get(target_user_id=member.pk)
    assert (entry.actor, entry.actor_user_id, entry.action, entry.reason) == (
        "admin:ada",
        staff.auth_user_id,
        "role_changed",
        "on call",
    )
    assert (entry.old_values, entry.new_values) == ({"role": "user"}, {"role": "admin"})


def test_change_role__to_the_same_role_changes_and_audits_nothing(auth_user_factory, staff):
    member = auth_user_factory()
    assert staff_actions.change_role(member.pk, "user", staff).changed is False
    assert not AdminAuditLog.objects.exists()


def test_change_role__refuses_an_unknown_role_naming_the_field(auth_user_factory, staff):
    member = auth_user_factory()
    with pytest.raises(InvalidField) as raised:
        staff_actions.change_role(member.pk, "superuser", staff)
    assert raised.value.field == "role"
    assert "allowed: user, admin" in str(raised.value)


def test_change_role__refuses_an_unknown_user_and_a_user_without_profile(auth_user_factory, staff):
    with pytest.raises(UnknownUser):
        staff_actions.change_role(uuid.uuid4(), "admin", staff)
    bare = auth_user_factory(with_profile=False)
    with pytest.raises(NoProfile, match="has no profile"):
        staff_actions.change_role(bare.pk, "admin", staff)


def test_change_role__refuses_to_demote_the_last_active_admin(admin, staff):
    with pytest.raises(LastActiveAdmin, match="last active admin"):
        staff_actions.change_role(admin.pk, "user", staff)
    assert profile_of(admin).role == "admin"
    assert not AdminAuditLog.objects.exists()


def test_change_role__demotes_an_admin_while_another_active_admin_remains(admin, make_admin, staff):
    make_admin(active=False)  # an inactive admin does not count
    other = make_admin()
    staff_actions.change_role(other.pk, "user", staff)
    assert profile_of(other).role == "user"


def test_deactivate__requires_a_reason_of_at_most_255_characters(auth_user_factory, staff):
    member = auth_user_factory()
    for reason in ("", "   ", None):
        with pytest.raises(InvalidField) as raised:
            staff_actions.deactivate(member.pk, staff, reason)
        assert raised.value.field == "reason"
    with pytest.raises(InvalidField, match="longer than 255"):
        staff_actions.deactivate(member.pk, staff, "x" * 256)
    assert profile_of(member).is_active is True


def test_deactivate__records_who_when_and_why(auth_user_factory, staff):
    member = auth_user_factory()
    change = staff_actions.deactivate(member.pk, staff, "  left the company ")
    profile = profile_of(member)
    assert (profile.is_active, profile.deactivated_by_id, profile.deactivation_reason) == (
        False,
        staff.auth_user_id,
        "left the company",
    )
    assert profile.deactivated_at is not None
    assert change.new_values["deactivated_by"] == staff.auth_user_id
    entry = AdminAuditLog.objects.get(action="profile_deactivated")
    assert entry.old_values == {
        "is_active": True,
        "deactivated_at": None,
        "deactivated_by": None,
        "deactivation_reason": None,
    }
    assert entry.reason == "left the company"


def test_deactivate__by_staff_without_an_auth_user_leaves_deactivated_by_empty(
    auth_user_factory,
):
    member = auth_user_factory()
    staff_actions.deactivate(member.pk, audit.Actor("django:root", uuid.uuid4()), "spam")
    assert profile_of(member).deactivated_by_id is None


def test_deactivate__an_inactive_profile_changes_nothing(auth_user_factory, staff):
    member = auth_user_factory()
    staff_actions.deactivate(member.pk, staff, "spam")
    assert staff_actions.deactivate(member.pk, staff, "again").changed is False
    assert AdminAuditLog.objects.filter(action="profile_deactivated").count() == 1


def test_deactivate__refuses_the_last_active_admin_even_themselves(admin, staff):
    with pytest.raises(LastActiveAdmin):
        staff_actions.deactivate(admin.pk, staff, "leaving")
    assert profile_of(admin).is_active is True


def test_reactivate__clears_the_deactivation_and_audits_it(auth_user_factory, staff):
    member = auth_user_factory()
    staff_actions.deactivate(member.pk, staff, "spam")
    change = staff_actions.reactivate(member.pk, staff, "appeal granted")
    profile = profile_of(member)
    assert (profile.is_active, profile.deactivated_at, profile.deactivation_reason) == (
        True,
        None,
        None,
    )
    assert change.old_values["deactivation_reason"] == "spam"
    entry = AdminAuditLog.objects.get(action="profile_reactivated")
    assert (entry.reason, entry.new_values["is_active"]) == ("appeal granted", True)
    assert staff_actions.reactivate(member.pk, staff).changed is False


def test_run_sync__creates_missing_profiles_and_audits_a_real_run(auth_user_factory, staff):
    bare = auth_user_factory(with_profile=False)
    plan = staff_actions.run_sync(staff, dry_run=True)
    assert plan.would_create == 1
    assert not AdminAuditLog.objects.exists()
    result = staff_actions.run_sync(staff)
    assert result.created == 1
    assert UserProfile.objects.filter(user_id=bare.pk).exists()
    entry = AdminAuditLog.objects.get(action="sync_run")
    assert (entry.actor, entry.details["created"]) == ("admin:ada", 1)


@pytest.mark.django_db(transaction=True)
def test_change_role__two_concurrent_demotions_of_the_last_two_admins_let_one_through():
    admins = [AuthUserFactory(), AuthUserFactory()]
    UserProfile.objects.update(role="admin")
    barrier = threading.Barrier(2)
    outcomes: dict[uuid.UUID, str] = {}

    def demote(user_id: uuid.UUID) -> None:
        try:
            barrier.wait(timeout=10)
            staff_actions.change_role(user_id, "user", audit.Actor("test"))
            outcomes[user_id] = "demoted"
        except LastActiveAdmin:
            outcomes[user_id] = "refused"
        finally:
            connection.close()

    threads = [threading.Thread(target=demote, args=(a.pk,)) for a in admins]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values()) == ["demoted", "refused"]
    assert UserProfile.objects.filter(role="admin", is_active=True).count() == 1
