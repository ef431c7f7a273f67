"""The admin index with the sync status, the read-only log admins, and staff links."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.urls import reverse

from usersync.logs.audit import Actor
from usersync.models import AdminAuditLog, ChatErrorLog, StaffLink, UserActivityLog
from usersync.staff import changes as staff_changes

pytestmark = pytest.mark.django_db


def status_of(response) -> dict[str, tuple[str, str | None, bool]]:
    return {line.label: (line.value, line.url, line.ok) for line in response.context["sync_status"]}


def test_index__shows_the_sync_status_with_links_to_the_lists(admin_client, auth_user_factory):
    for _ in range(3):
        auth_user_factory()
    auth_user_factory(with_profile=False)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO usersync.trigger_failures (user_id, source, sqlstate, message) "
            "VALUES (gen_random_uuid(), 'on_auth_user_created', '42501', 'permission denied')"
        )
    response = admin_client.get(reverse("admin:index"))
    assert response.status_code == 200
    profiles = reverse("admin:usersync_userprofile_changelist")
    missing = reverse("admin:usersync_userwithoutprofile_changelist")
    failures = reverse("admin:usersync_triggerfailure_changelist") + "?resolved_at__isempty=1"
    assert status_of(response) == {
        "Auth users": (
            "4 = 4 eligible + 0 soft-deleted (who need no profile); 0 anonymous",
            profiles,
            True,
        ),
        "Profiles": ("3 = 3 of eligible users + 0 of soft-deleted users", profiles, True),
        "Missing profiles": ("1 = 4 eligible - 3 with a profile", missing, False),
        "Sync percentage": ("75.00%", missing, False),
        "Deactivated / banned": (
            "0 deactivated in usersync; 0 banned in Supabase Auth",
            profiles + "?is_active__exact=0",
            True,
        ),
        "Trigger": ("installed, enabled", failures, True),
        "Last sync": ("never", reverse("admin:usersync_syncrun_changelist"), True),
        "Trigger failures (unresolved)": ("1", failures, False),
    }
    text = response.content.decode()
    assert f'<a href="{missing}">Missing profiles</a>' in text
    assert admin_client.get(failures).context["cl"].result_count == 1


def test_index__after_a_sync_reports_it_and_full_sync(admin_client, auth_user_factory):
    auth_user_factory(with_profile=False)
    staff_changes.run_sync(Actor("admin:admin"))
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE auth.users DISABLE TRIGGER on_auth_user_created")
    status = status_of(admin_client.get(reverse("admin:index")))
    assert status["Sync percentage"] == ("100.00%", status["Sync percentage"][1], True)
    assert status["Last sync"][0].endswith("succeeded, 1 created by admin:admin")
    assert status["Trigger"][0] == (
        "installed but DISABLED — run: python manage.py verify_migration --repair"
    )
    assert status["Trigger"][2] is False


LOGS = {
    "adminauditlog": AdminAuditLog,
    "useractivitylog": UserActivityLog,
    "chaterrorlog": ChatErrorLog,
    "syncrun": None,
    "triggerfailure": None,
}


@pytest.fixture
def log_rows(auth_user_factory):
    alice, bob = auth_user_factory(email="alice@example.com"), auth_user_factory()
    staff_changes.deactivate(bob.pk, Actor("admin:alice", alice.pk), "spam")
    staff_changes.change_role(alice.pk, "admin", Actor("admin:root"))
    UserActivityLog.objects.create(user_id=alice.pk, activity_type="login")
    UserActivityLog.objects.create(user_id=bob.pk, activity_type="chat")
    ChatErrorLog.objects.create(user_id=bob.pk, error_type="timeout", message="no answer")
    ChatErrorLog.objects.create(user_id=alice.pk, error_type="quota", message="too many")
    return alice, bob


@pytest.mark.parametrize("model", LOGS)
def test_log_admins__are_read_only_even_for_superusers(admin_client, log_rows, model):
    changelist = admin_client.get(reverse(f"admin:usersync_{model}_changelist"))
    assert changelist.status_code == 200
    action_form = changelist.context["action_form"]
    if model == "triggerfailure":
        # The one action: staff acknowledge access token hook failures (no sync repairs them).
        choices = [name for name, _ in action_form.fields["action"].choices if name]
        assert choices == ["acknowledge_hook_failures"]
    else:
        assert action_form is None
    assert admin_client.get(reverse(f"admin:usersync_{model}_add")).status_code == 403
    if LOGS[model] is not None:
        row = LOGS[model].objects.first()
        change = reverse(f"admin:usersync_{model}_change", args=[row.pk])
        assert admin_client.get(change).status_code == 200  # view only
        assert admin_client.post(change, {}).status_code == 403
        delete = reverse(f"admin:usersync_{model}_delete", args=[row.pk])
        assert admin_client.post(delete, {"post": "yes"}).status_code == 403
        assert LOGS[model].objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize(
    ("model", "query", "expected"),
    [
        ("adminauditlog", "action__exact=deactivated", {"deactivated"}),
        ("adminauditlog", "user_id={bob}", {"deactivated"}),
        ("adminauditlog", "user_id={alice}", {"deactivated", "role_changed"}),  # actor or target
        ("adminauditlog", "actor=admin:root", {"role_changed"}),
        ("useractivitylog", "activity_type=chat", {"chat"}),
        ("useractivitylog", "user_id={alice}", {"login"}),
        ("chaterrorlog", "error_type=quota", {"quota"}),
        ("chaterrorlog", "user_id={bob}", {"timeout"}),
    ],
)
def test_log_admins__filter_by_type_and_by_user(admin_client, log_rows, model, query, expected):
    alice, bob = log_rows
    url = reverse(f"admin:usersync_{model}_changelist")
    response = admin_client.get(f"{url}?{query.format(alice=alice.pk, bob=bob.pk)}")
    kind = {"adminauditlog": "action", "useractivitylog": "activity_type"}.get(model, "error_type")
    assert {getattr(row, kind) for row in response.context["cl"].result_list} == expected
    assert response.context["cl"].date_hierarchy == "created_at"


def test_log_admins__a_malformed_user_id_is_an_invalid_filter(admin_client, log_rows):
    url = reverse("admin:usersync_adminauditlog_changelist")
    response = admin_client.get(url, {"user_id": "not-a-uuid"})
    assert (response.status_code, response["Location"]) == (302, f"{url}?e=1")


def test_staff_link_admin__lets_only_superusers_link_and_audits_it(
    admin_client, client, auth_user_factory
):
    staff = User.objects.create_user("dora", "dora@corp.example", "pw", is_staff=True)
    sso = auth_user_factory(email="dora@corp.example", provider="sso:7b1ac6a2-4a38-4a4e-9d5e")
    add = reverse("admin:usersync_stafflink_add")
    response = admin_client.post(add, {"user": staff.pk, "auth_user": sso.pk}, follow=True)
    assert response.status_code == 200
    assert StaffLink.objects.get().auth_user_id == sso.pk
    entry = AdminAuditLog.objects.get()
    assert (entry.actor, entry.action, entry.target_user_id, entry.details) == (
        "admin:admin",
        "staff_link_set",
        sso.pk,
        {"django_user": "dora"},
    )
    staff.user_permissions.add(*Permission.objects.filter(codename__endswith="stafflink"))
    client.force_login(staff)
    assert client.get(add).status_code == 403
    assert client.get(reverse("admin:usersync_stafflink_changelist")).status_code == 403


def test_chat_error_admin__distinct_error_types_from_callers_add_no_filter_links(
    admin_client, auth_user_factory
):
    user = auth_user_factory()
    ChatErrorLog.objects.bulk_create(
        ChatErrorLog(user_id=user.pk, error_type=f"kind-{n}", message="m") for n in range(200)
    )
    url = reverse("admin:usersync_chaterrorlog_changelist")
    page = admin_client.get(url).content.decode()
    assert page.count("?error_type=") == 0 and "kind-1" in page  # listed, not linked
    response = admin_client.get(url, {"error_type": "KIND-7"})
    assert [row.error_type for row in response.context["cl"].result_list] == ["kind-7"]
