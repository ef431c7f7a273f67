"""The profile page's Deactivate / Reactivate buttons, the bulk role change, users named
by e-mail everywhere, readable audit actions and plurals."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from usersync.logs import audit
from usersync.models import AdminAuditLog, UserProfile
from usersync.naming import user_label
from usersync.staff import changes as staff_changes

pytestmark = pytest.mark.django_db

LIST = reverse("admin:usersync_userprofile_changelist")


def profile(user) -> UserProfile:
    return UserProfile.objects.get(user_id=user.pk)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.mark.parametrize(
    ("email", "phone", "anonymous", "expected"),
    [
        ("ann@example.com", "15550001111", False, "ann@example.com"),
        (None, "15550001111", False, "+15550001111"),
        (None, None, True, "anonymous user 12345678"),
        (None, None, False, "user 12345678"),
    ],
)
def test_user_label__email_then_phone_then_short_id(email, phone, anonymous, expected):
    user_id = uuid.UUID("12345678-aaaa-bbbb-cccc-1234567890ab")
    assert user_label(email, phone, user_id, anonymous) == expected


def test_profile_page__titled_and_crumbed_by_email(admin_client, auth_user_factory):
    ann = auth_user_factory(email="ann@example.com")
    text = admin_client.get(
        reverse("admin:usersync_userprofile_change", args=[profile(ann).pk])
    ).content.decode()
    assert "<h2>ann@example.com</h2>" in text or "ann@example.com</h1>" in text
    # Django 5.2 ends the breadcrumbs with "&rsaquo; name", 6.1 with a current-page item.
    assert "&rsaquo; ann@example.com" in text or '<li aria-current="page">ann@example.com' in text
    assert str(ann.pk) not in text.split("<title>")[1].split("</title>")[0]


def test_deactivate_button__confirms_with_a_reason_then_returns_to_the_per_user_page(
    admin_client, auth_user_factory
):
    ann = auth_user_factory(email="ann@example.com")
    change = reverse("admin:usersync_userprofile_change", args=[profile(ann).pk])
    button = reverse("admin:usersync_userprofile_deactivate", args=[profile(ann).pk])
    assert f'href="{button}"' in admin_client.get(change).content.decode()
    page = admin_client.get(button)
    assert "Deactivate this profile?" in page.content.decode()
    assert profile(ann).is_active is True
    refused = admin_client.post(button, {"post": "yes", "reason": "  "})
    assert refused.context["form"].errors == {"reason": ["This field is required."]}
    response = admin_client.post(button, {"post": "yes", "reason": "spam"})
    person = reverse("admin:usersync_userprofile_person", args=[str(ann.pk)])
    assert response.status_code == 302 and response["Location"] == person
    assert (profile(ann).is_active, profile(ann).deactivation_reason) == (False, "spam")
    reactivate = reverse("admin:usersync_userprofile_reactivate", args=[profile(ann).pk])
    assert f'href="{reactivate}"' in admin_client.get(change).content.decode()


def test_reactivate_button__asks_a_reason_and_audits_it(admin_client, auth_user_factory):
    ann = auth_user_factory(email="ann@example.com")
    staff_changes.deactivate(ann.pk, audit.Actor("admin:boss"), "spam")
    button = reverse("admin:usersync_userprofile_reactivate", args=[profile(ann).pk])
    assert "Reactivate this profile?" in admin_client.get(button).content.decode()
    response = admin_client.post(button, {"post": "yes", "reason": "appeal"}, follow=True)
    assert messages_of(response) == ["Reactivated 1: ann@example.com"]
    entry = AdminAuditLog.objects.latest("id")
    assert (entry.action, entry.reason, profile(ann).is_active) == ("reactivated", "appeal", True)


def test_buttons__view_only_staff_are_refused(view_only_client, auth_user_factory):
    ann = auth_user_factory(email="ann@example.com")
    button = reverse("admin:usersync_userprofile_deactivate", args=[profile(ann).pk])
    assert view_only_client.post(button, {"post": "yes", "reason": "x"}).status_code == 403
    assert profile(ann).is_active is True


def test_deactivate_confirmation__plural_for_several(admin_client, auth_user_factory):
    users = [auth_user_factory(), auth_user_factory()]
    data = {"action": "deactivate_selected", "_selected_action": [profile(u).pk for u in users]}
    assert "Deactivate these 2 profiles?" in admin_client.post(LIST, data).content.decode()


def change_roles(client, users, **extra):
    data = {"action": "change_role_selected", "_selected_action": [profile(u).pk for u in users]}
    return client.post(LIST, {**data, **extra}, follow=bool(extra))


def test_bulk_role_change__confirms_then_audits_each_user(admin_client, auth_user_factory):
    ann, bob = auth_user_factory(email="ann@example.com"), auth_user_factory(email="b@example.com")
    page = change_roles(admin_client, [ann, bob])
    assert "Change the role of these 2 profiles?" in page.content.decode()
    assert profile(ann).role == "user"
    refused = change_roles(admin_client, [ann, bob], post="yes", role="admin", reason="")
    assert "reason" in refused.context["form"].errors
    response = change_roles(admin_client, [ann, bob], post="yes", role="admin", reason="on call")
    (message,) = messages_of(response)
    assert message.startswith("Gave the role admin to 2: ")
    assert set(message.split(": ")[1].split(", ")) == {"ann@example.com", "b@example.com"}
    entries = AdminAuditLog.objects.filter(action="role_changed")
    assert {(e.target_user_id, e.new_values["role"], e.reason) for e in entries} == {
        (ann.pk, "admin", "on call"),
        (bob.pk, "admin", "on call"),
    }


def test_bulk_role_change__keeps_the_last_active_admin(admin_client, make_admin):
    last = make_admin(email="last@example.com")
    response = change_roles(admin_client, [last], post="yes", role="user", reason="rotation")
    (message,) = messages_of(response)
    assert message == (
        "cannot take the admin role from last@example.com: theirs is the last active admin "
        "profile; make another user an admin first"
    )
    assert profile(last).role == "admin"
    assert not AdminAuditLog.objects.exists()


def test_audit_log__readable_actions_and_plural_title(admin_client, auth_user_factory):
    ann = auth_user_factory(email="ann@example.com")
    staff_changes.deactivate(ann.pk, audit.Actor("admin:boss"), "spam")
    response = admin_client.get(reverse("admin:usersync_adminauditlog_changelist"))
    text = response.content.decode()
    assert "Deactivated" in text and '<td class="field-action">deactivated' not in text
    assert "1 admin audit entry" in text
    index = admin_client.get(reverse("admin:index")).content.decode()
    assert "Admin audit entries" in index and "Admin audit log<" not in index


def test_admin_site__has_no_view_site_link(admin_client):
    assert "View site" not in admin_client.get(reverse("admin:index")).content.decode()
