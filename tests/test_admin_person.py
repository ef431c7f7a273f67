"""The per-user page: "why can't this person get in?", its verdict, facts and history,
and the links that lead to it (profile page, History button, missing list, audit log)."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.urls import reverse

from usersync.logs import audit
from usersync.models import AdminAuditLog, TriggerFailure, UserActivityLog, UserProfile
from usersync.staff import changes as staff_changes

pytestmark = pytest.mark.django_db


def person(user_id) -> str:
    return reverse("admin:usersync_userprofile_person", args=[str(user_id)])


def set_auth(user, **columns) -> None:
    """Change auth.users as Supabase Auth would (its role owns the table)."""
    assignments = ", ".join(f"{name} = %s" for name in columns)
    with connection.cursor() as cursor:
        cursor.execute("SET ROLE supabase_auth_admin")
        try:
            cursor.execute(
                f"UPDATE auth.users SET {assignments} WHERE id = %s", [*columns.values(), user.pk]
            )
        finally:
            cursor.execute("RESET ROLE")


@pytest.fixture
def confirmed(auth_user_factory):
    def make(**fields):
        user = auth_user_factory(**fields)
        set_auth(user, email_confirmed_at="2026-01-02T03:04:05Z")
        return user

    return make


def verdict(client, user) -> str:
    response = client.get(person(user.pk))
    assert response.status_code == 200
    return response.context["d"].verdict.text


def test_person_page__can_sign_in_when_confirmed_active_and_unbanned(admin_client, confirmed):
    ann = confirmed(email="ann@example.com")
    response = admin_client.get(person(ann.pk))
    text = response.content.decode()
    assert response.context["d"].verdict.text == "Can sign in and use the app"
    assert "<h1>ann@example.com</h1>" in text and "&rsaquo; ann@example.com" in text


def test_person_page__names_the_deactivation_with_when_who_and_why(
    admin_client, confirmed, make_admin
):
    boss = make_admin(email="boss@example.com")
    ann = confirmed(email="ann@example.com")
    staff_changes.deactivate(ann.pk, audit.Actor("admin:boss", boss.pk), "chargeback fraud")
    text = verdict(admin_client, ann)
    assert text.startswith("Locked out: profile deactivated on ")
    assert text.endswith(" by boss@example.com — chargeback fraud")


def test_person_page__without_deactivator_names_the_audit_actor(admin_client, confirmed):
    ann = confirmed(email="ann@example.com")
    staff_changes.deactivate(ann.pk, audit.Actor("command:deactivate"), "left the company")
    assert " by command:deactivate — left the company" in verdict(admin_client, ann)


def test_person_page__no_profile_offers_to_create_one(admin_client, confirmed):
    ann = confirmed(email="ann@example.com", with_profile=False)
    response = admin_client.get(person(ann.pk))
    assert response.context["d"].verdict.text == "No profile yet — create one"
    missing = reverse("admin:usersync_userwithoutprofile_changelist")
    assert f'href="{missing}?q={ann.pk}"' in response.content.decode()


def test_person_page__banned_and_deleted_come_first(admin_client, confirmed):
    banned, gone = confirmed(email="banned@example.com"), confirmed(email="gone@example.com")
    set_auth(banned, banned_until="2999-01-01T00:00:00Z")
    set_auth(gone, deleted_at="2026-01-01T00:00:00Z")
    assert verdict(admin_client, banned).startswith("Banned until ")
    assert verdict(admin_client, gone).startswith("Deleted on ")


def test_person_page__unconfirmed_email_cannot_sign_in(admin_client, auth_user_factory):
    ann = auth_user_factory(email="ann@example.com", confirmed=False)
    assert verdict(admin_client, ann).startswith("Not confirmed yet")


def test_person_page__shows_failures_audit_and_activity_newest_first(
    admin_client, confirmed, make_admin
):
    make_admin(email="boss@example.com")
    ann = confirmed(email="ann@example.com")
    actor = audit.Actor("admin:boss")
    staff_changes.change_role(ann.pk, "admin", actor, "first")
    staff_changes.change_role(ann.pk, "user", actor, "second")
    UserActivityLog.objects.create(user_id=ann.pk, activity_type="login")
    TriggerFailure.objects.create(user_id=ann.pk, source="insert", sqlstate="23505", message="x")
    response = admin_client.get(person(ann.pk))
    found = response.context["d"]
    assert [entry.reason for entry in found.audit] == ["second", "first"]
    assert [a.activity_type for a in found.activity] == ["login"]
    assert [f.sqlstate for f in found.trigger_failures] == ["23505"]
    text = response.content.decode()
    assert "Role changed" in text and "role_changed" not in text
    audit_list = reverse("admin:usersync_adminauditlog_changelist")
    assert f'href="{audit_list}?user_id={ann.pk}"' in text


def test_person_page__history_is_bounded(admin_client, confirmed):
    ann = confirmed(email="ann@example.com")
    UserActivityLog.objects.bulk_create(
        UserActivityLog(user_id=ann.pk, activity_type="login") for _ in range(60)
    )
    assert len(admin_client.get(person(ann.pk)).context["d"].activity) == 50


def test_person_page__unknown_user_is_404(admin_client):
    assert admin_client.get(person(uuid.uuid4())).status_code == 404


def test_person_page__deleted_user_with_history_is_named_by_recorded_email(admin_client):
    gone = uuid.uuid4()
    AdminAuditLog.objects.create(
        actor="admin:boss", action="deactivated", target_user_id=gone,
        details={"email": "gone@example.com"},
    )  # fmt: skip
    response = admin_client.get(person(gone))
    assert response.context["title"] == "gone@example.com"
    assert response.context["d"].verdict.text.startswith("Deleted")


def test_person_page__needs_view_permission(client, django_user_model, auth_user_factory):
    ann = auth_user_factory(email="ann@example.com")
    nobody = django_user_model.objects.create_user("nobody", password="pw", is_staff=True)
    client.force_login(nobody)
    assert client.get(person(ann.pk)).status_code == 403


def test_person_page__linked_from_profile_history_missing_list_and_audit(
    admin_client, auth_user_factory
):
    ann = auth_user_factory(email="ann@example.com")
    bob = auth_user_factory(email="bob@example.com", with_profile=False)
    profile = UserProfile.objects.get(user_id=ann.pk)
    change = reverse("admin:usersync_userprofile_change", args=[profile.pk])
    assert f'href="{person(ann.pk)}"' in admin_client.get(change).content.decode()
    history = reverse("admin:usersync_userprofile_history", args=[profile.pk])
    assert admin_client.get(history)["Location"] == person(ann.pk)
    missing = admin_client.get(reverse("admin:usersync_userwithoutprofile_changelist"))
    assert f'href="{person(bob.pk)}"' in missing.content.decode()
    bob_page = admin_client.get(reverse("admin:usersync_userwithoutprofile_change", args=[bob.pk]))
    assert f'href="{person(bob.pk)}"' in bob_page.content.decode()
    staff_changes.change_role(ann.pk, "admin", audit.Actor("admin:boss"))
    audit_list = admin_client.get(reverse("admin:usersync_adminauditlog_changelist"))
    assert f'<a href="{person(ann.pk)}">ann@example.com</a>' in audit_list.content.decode()


def test_changes_text__lists_changed_values_only():
    from usersync.staff.diagnosis import changes_text

    old = {"role": "user", "deactivated_by": None}
    assert changes_text(old, {"role": "admin", "deactivated_by": None}) == "role: user → admin"
    assert changes_text(None, {"is_active": False}) == "is_active: - → False"
