"""Django's "Recent actions" (LogEntry) after changes made through the admin: a
deactivation, a bulk role change, a role edit, a profile created, a sync. Each entry
links to the per-user page (or the sync's run), and the admin index shows it."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.urls import reverse

from usersync.models import SyncRun, UserProfile

pytestmark = pytest.mark.django_db

PROFILES = reverse("admin:usersync_userprofile_changelist")
MISSING = reverse("admin:usersync_userwithoutprofile_changelist")


def person(user) -> str:
    return reverse("admin:usersync_userprofile_person", args=[str(user.pk)])


def profile_pk(user) -> int:
    return UserProfile.objects.get(user_id=user.pk).pk


def entries() -> list[tuple]:
    return [
        (e.action_flag, e.object_repr, e.get_change_message(), e.get_admin_url())
        for e in LogEntry.objects.order_by("id")
    ]


def test_recent_actions__a_deactivation_links_to_the_per_user_page(admin_client, auth_user_factory):
    bob = auth_user_factory(email="bob@example.com")
    admin_client.post(
        PROFILES,
        {
            "action": "deactivate_selected",
            "_selected_action": [profile_pk(bob)],
            "post": "yes",
            "reason": "chargeback fraud",
        },
    )
    assert entries() == [
        (CHANGE, "bob@example.com", "Deactivated: chargeback fraud", person(bob)),
    ]
    index = admin_client.get(reverse("admin:index")).content.decode()
    assert f'href="{person(bob)}"' in index and "bob@example.com" in index


def test_recent_actions__a_bulk_role_change_writes_one_entry_per_user_changed(
    admin_client, auth_user_factory
):
    users = [auth_user_factory(email=f"u{i}@example.com") for i in range(2)]
    admin_client.post(
        PROFILES,
        {
            "action": "change_role_selected",
            "_selected_action": [profile_pk(u) for u in users],
            "post": "yes",
            "role": "admin",
            "reason": "moderators",
        },
    )
    assert sorted(entries()) == sorted(
        (CHANGE, u.email, "Changed the role to admin: moderators", person(u)) for u in users
    )


def test_recent_actions__a_role_edit_on_the_change_page_links_to_the_per_user_page(
    admin_client, auth_user_factory
):
    bob = auth_user_factory(email="bob@example.com")
    url = reverse("admin:usersync_userprofile_change", args=[profile_pk(bob)])
    admin_client.post(url, {"role": "admin", "reason": "promoted"})
    assert [(flag, name, link) for flag, name, _, link in entries()] == [
        (CHANGE, "bob@example.com", person(bob))
    ]


def test_recent_actions__a_created_profile_is_an_addition(admin_client, auth_user_factory):
    carol = auth_user_factory(email="carol@example.com", with_profile=False)
    admin_client.post(
        MISSING,
        {
            "action": "create_profiles",
            "_selected_action": [carol.pk],
            "post": "yes",
            "role": "user",
            "active": "on",
        },
    )
    assert entries() == [
        (
            ADDITION,
            "carol@example.com",
            "Created the profile (role user, active)",
            person(carol),
        )
    ]


def test_recent_actions__a_sync_links_to_its_run(admin_client, auth_user_factory):
    auth_user_factory(with_profile=False)
    admin_client.post(reverse("admin:usersync_userwithoutprofile_sync"))
    run = SyncRun.objects.get()
    assert entries() == [
        (
            CHANGE,
            str(run),
            "Ran the sync: 1 profile created, 0 filled",
            reverse("admin:usersync_syncrun_change", args=[run.pk]),
        )
    ]
