"""Issue 22's admin polish, as staff meet it: provider names, the active filter, filter
headings, readable audit dates on the per-user page, back to the per-user page after a
deactivation, no setting names in help texts, no stray caption, plurals."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from usersync.models import SyncRun, UserProfile

pytestmark = pytest.mark.django_db

PROFILES = reverse("admin:usersync_userprofile_changelist")
SSO = "sso:7b1ac6a2-4a38-4a4e-9d5e-1f0c2d3e4f50"


def person(user) -> str:
    return reverse("admin:usersync_userprofile_person", args=[str(user.pk)])


def test_profile_list__names_a_saml_provider_not_a_cut_id(admin_client, auth_user_factory):
    auth_user_factory(email="sso@example.com", provider=SSO)
    page = admin_client.get(PROFILES).content.decode()
    assert "SAML SSO" in page
    assert "SSO 7b1ac6a2…" not in page


def test_profile_list__addresses_wrap_at_their_dots_and_at_never_mid_word(
    admin_client, auth_user_factory
):
    auth_user_factory(email="a.rather.long.address@subdomain.example.com")
    page = admin_client.get(PROFILES).content.decode()
    assert "a.<wbr>rather.<wbr>long.<wbr>address@<wbr>subdomain.<wbr>example.<wbr>com" in page
    assert "overflow-wrap: anywhere" not in page


def test_profile_list__active_filter_offers_no_unknown(admin_client, auth_user_factory):
    auth_user_factory()
    page = admin_client.get(PROFILES).content.decode()
    assert "is_active__exact=1" in page
    assert "is_active__isnull=True" not in page


def test_profile_list__text_filter_heading_has_its_space(admin_client, auth_user_factory):
    auth_user_factory()
    page = admin_client.get(PROFILES).content.decode()
    assert "<summary>By deactivation reason</summary>" not in page
    assert "By deactivation reason" in " ".join(page.split())


def test_profile_page__role_help_names_no_setting(admin_client, auth_user_factory):
    user = auth_user_factory()
    profile = UserProfile.objects.get(user_id=user.pk)
    page = admin_client.get(reverse("admin:usersync_userprofile_change", args=[profile.pk]))
    assert "USERSYNC_" not in page.content.decode()


def test_deactivate_button__leads_back_to_the_per_user_page_with_a_readable_date(
    admin_client, auth_user_factory
):
    user = auth_user_factory(email="bob@example.com")
    profile = UserProfile.objects.get(user_id=user.pk)
    url = reverse("admin:usersync_userprofile_deactivate", args=[profile.pk])
    response = admin_client.post(
        url,
        {
            "action": "deactivate_selected",
            "_selected_action": [profile.pk],
            "post": "yes",
            "reason": "spam",
        },
    )
    assert response.status_code == 302 and response["Location"] == person(user)
    page = admin_client.get(person(user)).content.decode()
    audit = page[page.index('id="audit-history"') :]
    assert "deactivated_at: - → " in audit
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", audit)


def test_sync_preview__has_no_stray_caption(admin_client, auth_user_factory):
    auth_user_factory(with_profile=False)
    page = admin_client.get(reverse("admin:usersync_userwithoutprofile_sync")).content.decode()
    assert "They are" not in page


def test_sync_message__says_1_profile(admin_client, auth_user_factory):
    auth_user_factory(with_profile=False)
    response = admin_client.post(reverse("admin:usersync_userwithoutprofile_sync"), follow=True)
    run = SyncRun.objects.get()
    assert next(str(m) for m in response.context["messages"]).startswith(
        f"Sync run {run.pk}: 1 profile created, "
    )


def test_status_panel__shows_the_last_sync_in_the_admins_time_zone_and_format(
    admin_client, auth_user_factory, settings
):
    settings.TIME_ZONE = "Europe/Paris"
    auth_user_factory(with_profile=False)
    call_command("sync_users", stdout=StringIO())
    started = timezone.localtime(SyncRun.objects.get().started_at)
    page = admin_client.get(reverse("admin:app_list", args=["usersync"])).content.decode()
    shown = f"{date_format(started, 'DATETIME_FORMAT')} ({started.tzname()})"
    assert started.tzname() in {"CET", "CEST"}
    assert shown in page
