"""The admin's lists accept only the filters they declare: no lookup from the query
string reads a column the list does not show (one character at a time)."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from usersync.admin.lookups import DeclaredLookupsOnly
from usersync.models import AuthUser

pytestmark = pytest.mark.django_db

PROFILES = reverse("admin:usersync_userprofile_changelist")
MISSING = reverse("admin:usersync_userwithoutprofile_changelist")
AUDIT = reverse("admin:usersync_adminauditlog_changelist")


@pytest.mark.parametrize(
    "url",
    [
        f"{MISSING}?raw_app_meta_data__provider__startswith=e",
        f"{MISSING}?email__regex=^a",
        f"{PROFILES}?role__regex=^adm",
        f"{PROFILES}?user__email__startswith=a",
        f"{PROFILES}?deactivation_reason__contains=x",
        f"{AUDIT}?actor__regex=.",
        f"{AUDIT}?old_values__role=admin",
    ],
)
def test_admin_lists__refuse_undeclared_filters(view_only_client, auth_user_factory, url):
    auth_user_factory(with_profile=False)
    assert view_only_client.get(url).status_code == 400


@pytest.mark.parametrize(
    "url",
    [
        f"{PROFILES}?role=admin",
        f"{PROFILES}?is_active__exact=1",
        f"{AUDIT}?actor=admin:x",
        f"{AUDIT}?created_at__year=2026",
        f"{MISSING}?q=user",
    ],
)
def test_admin_lists__accept_their_declared_filters(view_only_client, url):
    assert view_only_client.get(url).status_code == 200


def test_every_usersync_admin__accepts_only_declared_filters():
    admins = [a for m, a in admin.site._registry.items() if m._meta.app_label == "usersync"]
    assert admins
    assert [type(a).__name__ for a in admins if not isinstance(a, DeclaredLookupsOnly)] == []


def test_auth_user__maps_no_column_usersync_does_not_use():
    names = {field.name for field in AuthUser._meta.concrete_fields}
    assert not names & {"raw_user_meta_data", "is_super_admin", "aud", "role", "confirmed_at"}
