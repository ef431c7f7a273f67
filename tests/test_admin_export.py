"""CSV export of the profile list (as filtered) and of the audit log, streamed in
keyset pages."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from usersync.admin.export import keyset_rows
from usersync.logs import audit
from usersync.models import UserProfile
from usersync.staff import changes as staff_changes

pytestmark = pytest.mark.django_db


def read_csv(response) -> list[dict]:
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_profile_export__follows_the_list_filters(admin_client, auth_user_factory):
    auth_user_factory(email="ann@example.com", provider="google")
    bob = auth_user_factory(email="bob@example.com")
    staff_changes.deactivate(bob.pk, audit.Actor("admin:boss"), '=HYPERLINK("x")')
    url = reverse("admin:usersync_userprofile_export")
    rows = read_csv(admin_client.get(url, {"is_active__exact": "0"}))
    assert [(r["email"], r["provider"], r["is_active"]) for r in rows] == [
        ("bob@example.com", "email", "False")
    ]
    assert rows[0]["deactivation_reason"] == '\'=HYPERLINK("x")'  # never a formula
    assert {r["email"] for r in read_csv(admin_client.get(url))} == {
        "ann@example.com",
        "bob@example.com",
    }
    assert [r["provider"] for r in read_csv(admin_client.get(url, {"q": "ann@"}))] == ["google"]


def test_profile_export__linked_from_the_list_with_its_filters(admin_client):
    text = admin_client.get(
        reverse("admin:usersync_userprofile_changelist"), {"role": "admin"}
    ).content.decode()
    assert f'href="{reverse("admin:usersync_userprofile_export")}?role=admin"' in text


def test_profile_export__bad_filter_is_400(admin_client):
    url = reverse("admin:usersync_userprofile_export")
    response = admin_client.get(url, {"deactivated_at__gte": "not a date"})
    assert response.status_code == 400


def test_profile_export__refused_without_view_permission(client, django_user_model):
    nobody = django_user_model.objects.create_user("nobody", password="pw", is_staff=True)
    client.force_login(nobody)
    assert client.get(reverse("admin:usersync_userprofile_export")).status_code == 403


def test_keyset_rows__pages_through_every_row_once(auth_user_factory):
    for _ in range(7):
        auth_user_factory()
    values = UserProfile.objects.values("pk")
    rows = list(keyset_rows(values, "pk", page_rows=3))
    assert [r["pk"] for r in rows] == sorted(values.values_list("pk", flat=True))
    descending = list(keyset_rows(values, "-pk", page_rows=2))
    assert [r["pk"] for r in descending] == [r["pk"] for r in reversed(rows)]


def test_audit_export__newest_first_with_target_email(admin_client, auth_user_factory):
    ann = auth_user_factory(email="ann@example.com")
    staff_changes.deactivate(ann.pk, audit.Actor("admin:boss"), "spam")
    staff_changes.reactivate(ann.pk, audit.Actor("admin:boss"), "appeal")
    rows = read_csv(admin_client.get(reverse("admin:usersync_adminauditlog_export")))
    assert [(r["action"], r["target_email"], r["reason"]) for r in rows] == [
        ("reactivated", "ann@example.com", "appeal"),
        ("deactivated", "ann@example.com", "spam"),
    ]
    rows = read_csv(
        admin_client.get(
            reverse("admin:usersync_adminauditlog_export"), {"action__exact": "deactivated"}
        )
    )
    assert [r["action"] for r in rows] == ["deactivated"]


@pytest.mark.parametrize(
    "text",
    [
        "=1+1",
        '  =HYPERLINK("x")',
        "\u00a0+1",
        "\n\n@SUM(A1)",
        "\t-1",
        "\uff1d1+1",  # full-width =
        " \uff0bcmd",  # full-width +
        "\uff0d1",  # full-width -
        "\uff20SUM(A1)",  # full-width @
    ],
)
def test_cell__text_whose_first_non_blank_character_starts_a_formula_is_quoted(text):
    from usersync.admin.export import cell

    assert cell(text) == "'" + text


@pytest.mark.parametrize("text", ["alice@example.com", "a = b", " plain", "\uff11\uff12\uff13"])
def test_cell__other_text_is_left_as_it_is(text):
    from usersync.admin.export import cell

    assert cell(text) == text
