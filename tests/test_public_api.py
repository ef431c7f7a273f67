"""The Python API listed in usersync/__init__.py: the monitoring example it was made for,
each function's result type and audit entry, and `import usersync` before Django is set up."""

from __future__ import annotations

import json
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command

import usersync
from tests.factories import AuthUserFactory, profile_of
from tests.helpers import ROOT
from usersync.models import AdminAuditLog, UserProfile

pytestmark = pytest.mark.django_db


# The monitoring example, written for the Python API.
def enhanced_health_check() -> dict:
    health_status: dict = {"status": "healthy"}

    sync_status = usersync.status()
    if sync_status.missing_profiles > 0:
        health_status["warnings"] = [
            f"{sync_status.missing_profiles} users need profile synchronization"
        ]

    return health_status


def test_monitoring_example__warns_about_missing_profiles_until_a_sync():
    AuthUserFactory()
    AuthUserFactory(with_profile=False)
    AuthUserFactory(with_profile=False)
    assert enhanced_health_check() == {
        "status": "healthy",
        "warnings": ["2 users need profile synchronization"],
    }
    result = usersync.sync_users()
    assert isinstance(result, usersync.SyncResult)
    assert result.created == 2
    assert enhanced_health_check() == {"status": "healthy"}


def test_status__is_what_sync_status_json_prints():
    AuthUserFactory()
    AuthUserFactory(with_profile=False)
    status = usersync.status()
    assert isinstance(status, usersync.SyncStatus)
    assert (status.total_auth_users, status.total_profiles, status.missing_profiles) == (2, 1, 1)
    assert status.sync_percentage == 50.0
    out = StringIO()
    call_command("sync_status", "--json", stdout=out)
    measured_apart = {"measured_at": None}  # each reading carries its own time
    assert json.loads(out.getvalue()) | measured_apart == status.as_dict() | measured_apart


def test_plan__says_what_a_sync_would_do_and_writes_nothing():
    bare = AuthUserFactory(with_profile=False)
    plan = usersync.plan()
    assert isinstance(plan, usersync.SyncPlan)
    assert plan.would_create == 1
    assert [p.user_id for p in plan.sample] == [bare.pk]
    assert not UserProfile.objects.filter(user_id=bare.pk).exists()


def test_create_profile__returns_the_profile_and_audits_the_actor():
    user = AuthUserFactory(with_profile=False)
    created = usersync.create_profile(str(user.pk), role="admin", actor="script:onboarding")
    assert isinstance(created, usersync.CreatedProfile)
    assert (created.user_id, created.role) == (user.pk, "admin")
    entry = AdminAuditLog.objects.get(target_user_id=user.pk)
    assert (entry.action, entry.actor) == ("profile_created", "script:onboarding")
    with pytest.raises(usersync.ProfileExists):
        usersync.create_profile(user.pk)


def test_staff_changes__change_deactivate_and_reactivate_with_audit(admin):
    user = AuthUserFactory()
    changed = usersync.change_role(user.pk, "admin", actor="support:ada", reason="promoted")
    assert isinstance(changed, usersync.StaffChange)
    assert (changed.action, changed.new_values) == ("role_changed", {"role": "admin"})
    gone = usersync.deactivate(user.pk, actor="support:ada", reason="chargeback")
    assert (gone.action, profile_of(user).is_active) == ("deactivated", False)
    back = usersync.reactivate(user.pk, actor=usersync.Actor("support:bob", admin.pk))
    assert (back.action, profile_of(user).is_active) == ("reactivated", True)
    actors = list(
        AdminAuditLog.objects.filter(target_user_id=user.pk)
        .order_by("id")
        .values_list("actor", "actor_user_id")
    )
    assert actors == [("support:ada", None), ("support:ada", None), ("support:bob", admin.pk)]
    with pytest.raises(usersync.NothingToChange):
        usersync.reactivate(user.pk, actor="support:ada")


def test_staff_changes__refuse_an_actor_deactivating_themselves(admin):
    with pytest.raises(usersync.OwnProfile):
        usersync.deactivate(admin.pk, actor=usersync.Actor("support:ada", admin.pk), reason="x")
    assert profile_of(admin).is_active is True


def test_preservation_report__lists_profiles_with_other_than_default_values(admin):
    AuthUserFactory()
    report = usersync.preservation_report()
    assert isinstance(report, usersync.PreservationReport)
    assert [p.user_id for p in report.profiles] == [admin.pk]
    assert report.profiles[0].preserved["role"] == "admin"


def test_all__names_resolve_to_the_documented_objects():
    resolved = {name: getattr(usersync, name) for name in usersync.__all__}
    assert resolved["status"].__module__ == "usersync.public"
    assert issubclass(resolved["ProfileExists"], resolved["BadInput"])
    assert issubclass(resolved["BadInput"], resolved["UsersyncError"])
    assert set(usersync.__all__) <= set(dir(usersync))
    with pytest.raises(AttributeError, match="has no attribute 'nothing_here'"):
        usersync.nothing_here  # noqa: B018


def test_import__before_django_setup_does_not_raise_or_load_models():
    code = (
        "import sys, usersync\n"
        "from django.apps import apps\n"
        "assert not apps.ready\n"
        "assert 'usersync.models' not in sys.modules, sorted(sys.modules)\n"
        "print(len(usersync.__all__))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert int(result.stdout) == len(usersync.__all__)
