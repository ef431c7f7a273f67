"""The admin's list of auth users without a profile: read-only, "create profile", and
the sync of all missing ones (dry run first)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from usersync.models import AdminAuditLog, SyncRun, UserProfile

pytestmark = pytest.mark.django_db

LIST = reverse("admin:usersync_userwithoutprofile_changelist")
SYNC = reverse("admin:usersync_userwithoutprofile_sync")


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def missing(auth_user_factory):
    """Two users without a profile, one with, one soft-deleted without."""
    auth_user_factory(email="has@example.com")
    auth_user_factory(email="deleted@example.com", with_profile=False, deleted_at=timezone.now())
    return [
        auth_user_factory(email="first@example.com", with_profile=False),
        auth_user_factory(email="second@example.com", with_profile=False, provider="google"),
    ]


def test_missing_list__shows_only_users_who_can_sign_in_without_a_profile(admin_client, missing):
    response = admin_client.get(LIST)
    assert response.status_code == 200
    assert {u.email for u in response.context["cl"].result_list} == {
        "first@example.com",
        "second@example.com",
    }
    assert 'id="sync-all-missing"' in response.content.decode()
    found = admin_client.get(LIST, {"q": str(missing[1].pk)})
    assert [u.pk for u in found.context["cl"].result_list] == [missing[1].pk]


def test_missing_list__is_read_only(admin_client, missing):
    user = missing[0]
    assert admin_client.get(reverse("admin:usersync_userwithoutprofile_add")).status_code == 403
    change = reverse("admin:usersync_userwithoutprofile_change", args=[user.pk])
    view = admin_client.get(change)
    assert view.status_code == 200 and "first@example.com" in view.content.decode()
    assert admin_client.post(change, {"email": "x@example.com"}).status_code == 403
    delete = reverse("admin:usersync_userwithoutprofile_delete", args=[user.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403


def test_create_profile_action__asks_for_the_role_then_creates_and_audits(admin_client, missing):
    selected = {"action": "create_profiles", "_selected_action": [u.pk for u in missing]}
    page = admin_client.post(LIST, selected)
    assert page.templates[0].name == (
        "admin/usersync/userwithoutprofile/create_profile_confirmation.html"
    )
    assert page.context["form"].fields["role"].choices == [("user", "user"), ("admin", "admin")]
    assert not UserProfile.objects.filter(user_id__in=[u.pk for u in missing]).exists()

    response = admin_client.post(
        LIST, {**selected, "post": "yes", "role": "admin", "active": "on"}, follow=True
    )
    (message,) = messages_of(response)
    assert message.startswith("Created the profile of 2: ")
    assert set(message.split(": ")[1].split(", ")) == {"first@example.com", "second@example.com"}
    created = UserProfile.objects.filter(user_id__in=[u.pk for u in missing])
    assert sorted(created.values_list("role", "is_active")) == [("admin", True), ("admin", True)]
    entries = AdminAuditLog.objects.filter(action="profile_created")
    assert {(e.actor, e.target_user_id, e.details["email"]) for e in entries} == {
        ("admin:admin", missing[0].pk, "first@example.com"),
        ("admin:admin", missing[1].pk, "second@example.com"),
    }
    assert {e.new_values["role"] for e in entries} == {"admin"}
    assert response.context["cl"].result_count == 0


def test_sync_button__previews_a_dry_run_that_writes_nothing(admin_client, missing):
    response = admin_client.get(SYNC)
    assert response.status_code == 200
    plan = response.context["plan"]
    assert (plan.would_create, {p.user_id for p in plan.sample}) == (2, {u.pk for u in missing})
    assert "Dry run (nothing has been written yet)" in response.content.decode()
    assert not SyncRun.objects.exists()
    assert UserProfile.objects.count() == 1


def test_sync_button__confirmed_creates_all_missing_profiles_and_audits_the_run(
    admin_client, missing
):
    response = admin_client.post(SYNC, follow=True)
    run = SyncRun.objects.get()
    assert messages_of(response)[0].startswith(
        f"Sync run {run.pk}: 2 profiles created, 0 filled from auth data, in "
    )
    assert (run.status, run.created, run.triggered_by) == ("succeeded", 2, "admin:admin")
    assert UserProfile.objects.count() == 3
    entry = AdminAuditLog.objects.get(action="sync_run")
    assert (entry.actor, entry.new_values) == ("admin:admin", {"created": 2, "filled": 0})


def test_sync_button__says_when_another_sync_holds_the_lease(admin_client, missing):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO usersync.sync_runs (batch_size, triggered_by) VALUES (1, 'cron') "
            "RETURNING id"
        )
        run_id = cursor.fetchone()[0]
        cursor.execute(
            "INSERT INTO usersync.sync_lease (run_id, holder, expires_at) "
            "VALUES (%s, 'cron@host', now() + interval '1 minute')",
            [run_id],
        )
    response = admin_client.post(SYNC, follow=True)
    assert messages_of(response)[0].startswith("The sync did not run: ")
    assert "cron" in messages_of(response)[0]
    assert UserProfile.objects.count() == 1


def test_view_only_staff__sees_users_without_profile_but_cannot_create_or_sync(
    view_only_client, missing
):
    response = view_only_client.get(LIST)
    assert response.status_code == 200
    assert response.context["action_form"] is None
    assert 'id="sync-all-missing"' not in response.content.decode()
    assert view_only_client.get(SYNC).status_code == 403
    assert view_only_client.post(SYNC).status_code == 403
    view_only_client.post(
        LIST,
        {"action": "create_profiles", "_selected_action": [missing[0].pk], "post": "yes"},
    )
    assert UserProfile.objects.count() == 1
    assert not AdminAuditLog.objects.exists()


@pytest.fixture
def add_only_client(client, django_user_model):
    """Staff with only "add user profile" and "view users without profile"."""
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("adder", "adder@example.com", "pw", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="usersync",
            codename__in=["add_userprofile", "view_userwithoutprofile"],
        )
    )
    client.force_login(user)
    return client


def test_create_profile_action__with_only_the_add_permission_cannot_grant_another_role(
    add_only_client, missing
):
    target = missing[0]
    chosen = {"action": "create_profiles", "_selected_action": [target.pk], "post": "yes"}
    refused = add_only_client.post(LIST, {**chosen, "role": "admin", "active": "on"})
    assert refused.status_code == 200
    assert "another role needs the permission to change user profiles" in (
        " ".join(refused.context["form"].errors["role"])
    )
    assert not UserProfile.objects.filter(user_id=target.pk).exists()
    assert not AdminAuditLog.objects.exists()

    add_only_client.post(LIST, {**chosen, "role": "user", "active": "on"})
    assert UserProfile.objects.get(user_id=target.pk).role == "user"


def test_create_profile_action__refuses_choosing_the_role_of_ones_own_profile(
    admin_client, auth_user_factory
):
    # The superuser "admin" (admin@example.com) is this auth user: confirmed, not SSO.
    own = auth_user_factory(email="admin@example.com", with_profile=False)
    chosen = {"action": "create_profiles", "_selected_action": [own.pk], "post": "yes"}
    response = admin_client.post(LIST, {**chosen, "role": "admin", "active": "on"}, follow=True)
    assert any("your own profile" in m for m in messages_of(response))
    assert not UserProfile.objects.filter(user_id=own.pk).exists()

    admin_client.post(LIST, {**chosen, "role": "user", "active": "on"})
    assert UserProfile.objects.get(user_id=own.pk).role == "user"
