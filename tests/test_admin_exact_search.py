"""The admin's search at millions of users: a whole e-mail address (in any case) or phone
number is looked up through the auth service's own indexes on auth.users (usersync may
not add any), never by reading the table; part of one is still a substring search."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from usersync.admin.search import exact_term, users_by_exact_contact
from usersync.db.sql import query
from usersync.models import UserProfile

pytestmark = pytest.mark.django_db

PROFILES = reverse("admin:usersync_userprofile_changelist")
MISSING = reverse("admin:usersync_userwithoutprofile_changelist")


def listed_user_ids(response) -> set:
    return {getattr(row, "user_id", row.pk) for row in response.context["cl"].result_list}


def test_exact_term__tells_a_whole_address_or_number_from_a_part():
    assert exact_term(" Gina@Example.com ") == ("Gina@Example.com", None)
    assert exact_term("+15550001111") == (None, "15550001111")
    assert exact_term("gina@") is None
    assert exact_term("as77777") is None


def test_a_whole_address_in_any_case__finds_users_sso_included(auth_user_factory):
    gina = auth_user_factory(email="gina@example.com")
    sso = auth_user_factory(email="Sam@Corp.example", provider="sso:okta")
    auth_user_factory(email="regina@example.com")
    assert users_by_exact_contact("GINA@example.com", None) == [gina.pk]
    assert users_by_exact_contact("sam@corp.example", None) == [sso.pk]
    assert users_by_exact_contact(None, "15550001111") == []


def test_a_whole_phone_number__is_found_by_the_phone_key(auth_user_factory):
    phoned = auth_user_factory(email=None, phone="15550001111", provider="phone")
    assert users_by_exact_contact(None, "15550001111") == [phoned.pk]


def test_the_lookup__reads_the_auth_services_indexes_not_the_table():
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN " + query("users_by_exact_contact"),
            {"email": "gina@example.com", "phone": "15550001111"},
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Seq Scan" not in plan
    for index in (
        "users_instance_id_email_idx",
        "users_email_partial_key",
        "users_phone_key",
        "users_instance_id_idx",
    ):
        assert index in plan, index


def test_profile_list__a_whole_address_lists_exactly_that_user(admin_client, auth_user_factory):
    bob = auth_user_factory(email="bob@example.com")
    auth_user_factory(email="jimbob@example.com")
    response = admin_client.get(PROFILES, {"q": "BOB@example.com"})
    assert listed_user_ids(response) == {bob.pk}
    # Part of an address: the substring search, as before.
    response = admin_client.get(PROFILES, {"q": "bob@"})
    assert len(listed_user_ids(response)) == 2


def test_users_without_a_profile__a_whole_address_lists_that_user(admin_client, auth_user_factory):
    legacy = auth_user_factory(email="legacy@example.com")
    auth_user_factory(email="other@example.com")
    UserProfile.objects.all().delete()
    response = admin_client.get(MISSING, {"q": "legacy@example.com"})
    assert listed_user_ids(response) == {legacy.pk}


@pytest.mark.parametrize(
    "term", ["a\x00b@example.com", "x" * 10_000 + "@example.com", "+1\x005550001111"]
)
def test_odd_whole_looking_terms__are_answered_200(admin_client, auth_user_factory, term):
    auth_user_factory(email="gina@example.com")
    assert admin_client.get(PROFILES, {"q": term}).status_code == 200
    assert admin_client.get(MISSING, {"q": term}).status_code == 200
