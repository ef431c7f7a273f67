"""The user-management API as an admin's client uses it: pages, filters, one user,
changes and their audit entries, profile creation, sync; and 400/404/409, never 500."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import profile_of
from usersync.models import AdminAuditLog, UserProfile


@pytest.fixture
def api(client, admin_headers):
    """Requests with the admin's token; JSON bodies."""

    class Api:
        def get(self, url: str, **params):
            return client.get(url, params, headers=admin_headers)

        def patch(self, url: str, body):
            data = body if isinstance(body, str) else json.dumps(body)
            return client.patch(url, data, content_type="application/json", headers=admin_headers)

        def post(self, url: str, body=None):
            data = body if isinstance(body, str) else json.dumps(body or {})
            return client.post(url, data, content_type="application/json", headers=admin_headers)

    return Api()


def ids(response) -> list[str]:
    return [u["id"] for u in response.json()["results"]]


# GET /api/users/


def test_users__pages_through_everyone_once_in_id_order(api, admin, auth_user_factory):
    auth_user_factory.create_batch(6)
    auth_user_factory.create_batch(2, with_profile=False)
    seen, url, params = [], "/api/users/", {"limit": 3}
    while True:
        body = api.get(url, **params).json()
        seen += [u["id"] for u in body["results"]]
        if body["next_after"] is None:
            assert body["next"] is None
            break
        assert body["next"] == f"/api/users/?limit=3&after={body['next_after']}"
        params = {"limit": 3, "after": body["next_after"]}
    assert len(seen) == 9
    assert seen == sorted(seen, key=uuid.UUID)


def test_users__rows_join_the_auth_user_and_the_profile(api, admin, auth_user_factory):
    bare = auth_user_factory(with_profile=False, provider="github", phone="+15550100")
    row = next(u for u in api.get("/api/users/").json()["results"] if u["id"] == str(bare.pk))
    assert row == {
        "id": str(bare.pk),
        "email": bare.email,
        "phone": "+15550100",
        "provider": "github",
        "role": None,
        "is_active": None,
        "last_sign_in_at": None,
        "last_login": None,
        "created_at": bare.created_at.isoformat(),
        "has_profile": False,
        "deleted_at": None,
    }
    admin_row = api.get("/api/users/", role="admin").json()["results"][0]
    assert (admin_row["role"], admin_row["is_active"], admin_row["has_profile"]) == (
        "admin",
        True,
        True,
    )


def test_users__filter_by_role_active_and_missing_profile(
    api, admin, auth_user_factory, make_admin
):
    members = auth_user_factory.create_batch(2)
    inactive = auth_user_factory()
    UserProfile.objects.filter(user_id=inactive.pk).update(is_active=False)
    inactive_admin = make_admin(active=False)
    bare = auth_user_factory(with_profile=False)
    auth_user_factory(with_profile=False, deleted_at=timezone.now())  # not "missing"

    def found(**params) -> set[str]:
        return set(ids(api.get("/api/users/", **params)))

    assert found(role="admin") == {str(admin.pk), str(inactive_admin.pk)}
    assert found(role="admin", active="true") == {str(admin.pk)}
    assert found(active="false") == {str(inactive.pk), str(inactive_admin.pk)}
    assert found(missing_profile="true") == {str(bare.pk)}
    assert found(missing_profile="false") == {
        str(u.pk) for u in [admin, *members, inactive, inactive_admin]
    }


def test_users__search_matches_part_of_the_email_ignoring_case(api, admin, auth_user_factory):
    ada = auth_user_factory(email="Ada.Lovelace@Example.com")
    auth_user_factory(email="grace@example.com")
    percent = auth_user_factory(email="100%real@example.com")
    assert ids(api.get("/api/users/", search="lovelace@example")) == [str(ada.pk)]
    assert ids(api.get("/api/users/", search="%")) == [str(percent.pk)]  # a literal %
    assert ids(api.get("/api/users/", search="nobody")) == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"role": "superuser"}, "role"),
        ({"active": "maybe"}, "active"),
        ({"missing_profile": "2"}, "missing_profile"),
        ({"limit": "0"}, "limit"),
        ({"limit": "201"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"after": "not-a-uuid"}, "after"),
        ({"search": "x" * 255}, "search"),
    ],
)
def test_users__bad_parameters_are_400_naming_the_field(api, params, field):
    response = api.get("/api/users/", **params)
    assert response.status_code == 400
    assert response.json()["field"] == field


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.dictionaries(
        st.sampled_from(["role", "active", "missing_profile", "limit", "after", "search"]),
        st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
    )
)
def test_users__any_query_string_is_answered_200_or_400(api, params):
    response = api.get("/api/users/", **params)
    assert response.status_code in {200, 400}
    assert "error" in response.json() or "results" in response.json()


# GET /api/users/<id>/


def test_user__shows_the_auth_user_and_profile(api, admin, auth_user_factory):
    user = auth_user_factory(provider="google")
    response = api.get(f"/api/users/{user.pk}/")
    assert response.status_code == 200
    data = response.json()["user"]
    assert (data["id"], data["role"], data["sso_provider"], data["has_profile"]) == (
        str(user.pk),
        "user",
        "google",
        True,
    )
    assert data["profile_created_at"] is not None


def test_user__unknown_is_404_and_malformed_is_400(api):
    unknown = api.get(f"/api/users/{uuid.uuid4()}/")
    assert unknown.status_code == 404
    assert unknown.json()["error"].startswith("no auth user with id ")
    malformed = api.get("/api/users/12345/")
    assert (malformed.status_code, malformed.json()["field"]) == (400, "user_id")


# PATCH /api/users/<id>/


def test_patch__changes_the_role_and_audits_the_admin_as_actor(api, admin, auth_user_factory):
    member = auth_user_factory()
    response = api.patch(f"/api/users/{member.pk}/", {"role": "admin", "reason": "on call"})
    assert response.status_code == 200
    body = response.json()
    assert body["user"]["role"] == "admin"
    entry = AdminAuditLog.objects.get(target_user_id=member.pk)
    assert body["changes"] == [
        {
            "user_id": str(member.pk),
            "email": member.email,
            "action": "role_changed",
            "old_values": {"role": "user"},
            "new_values": {"role": "admin"},
            "reason": "on call",
            "audit_id": entry.pk,
        }
    ]
    assert (entry.actor, entry.actor_user_id, entry.reason) == (
        f"api:{admin.email}",
        admin.pk,
        "on call",
    )


def test_patch__deactivates_with_a_reason_and_reactivates(api, admin, auth_user_factory):
    member = auth_user_factory()
    response = api.patch(f"/api/users/{member.pk}/", {"is_active": False, "reason": "spam"})
    assert response.status_code == 200
    user = response.json()["user"]
    assert (user["is_active"], user["deactivated_by"], user["deactivation_reason"]) == (
        False,
        str(admin.pk),
        "spam",
    )
    response = api.patch(f"/api/users/{member.pk}/", {"is_active": True})
    assert response.json()["user"]["is_active"] is True
    actions = list(AdminAuditLog.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["deactivated", "reactivated"]


def test_patch__deactivating_without_a_reason_is_400_naming_reason(api, auth_user_factory):
    member = auth_user_factory()
    response = api.patch(f"/api/users/{member.pk}/", {"is_active": False})
    assert response.status_code == 400
    assert response.json() == {
        "error": "a reason is required to deactivate a user",
        "field": "reason",
    }


def test_patch__applies_all_of_its_changes_or_none(api, admin, auth_user_factory):
    member = auth_user_factory()
    response = api.patch(f"/api/users/{member.pk}/", {"role": "admin", "is_active": False})
    assert response.status_code == 400
    assert profile_of(member).role == "user"
    assert not AdminAuditLog.objects.exists()


def test_patch__refuses_changing_the_callers_own_role_with_409(api, admin, make_admin):
    make_admin()
    response = api.patch(f"/api/users/{admin.pk}/", {"role": "user"})
    assert response.status_code == 409
    assert "you cannot change your own role" in response.json()["error"]
    assert profile_of(admin).role == "admin"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"role": "superuser"}, "role"),
        ({"role": 7}, "role"),
        ({"is_active": "no"}, "is_active"),
        ({"reason": ["x"], "role": "user"}, "reason"),
        ({"email": "x@example.com"}, "email"),
        ({"is_active": False, "reason": "x" * 256}, "reason"),
    ],
)
def test_patch__bad_fields_are_400_naming_the_field(api, auth_user_factory, body, field):
    member = auth_user_factory()
    response = api.patch(f"/api/users/{member.pk}/", body)
    assert (response.status_code, response.json()["field"]) == (400, field)


@pytest.mark.parametrize("body", ["{not json", "[1, 2]", "{}", '"text"'])
def test_patch__bodies_that_are_not_a_change_are_400(api, auth_user_factory, body):
    member = auth_user_factory()
    response = api.patch(f"/api/users/{member.pk}/", body)
    assert response.status_code == 400
    assert "error" in response.json()


def test_patch__unknown_user_is_404_and_user_without_profile_is_409(api, auth_user_factory):
    assert api.patch(f"/api/users/{uuid.uuid4()}/", {"role": "user"}).status_code == 404
    bare = auth_user_factory(with_profile=False)
    response = api.patch(f"/api/users/{bare.pk}/", {"role": "admin"})
    assert response.status_code == 409
    assert "has no profile" in response.json()["error"]


# POST /api/users/<id>/profile


def test_create_profile__creates_it_audited_with_201(api, admin, auth_user_factory):
    bare = auth_user_factory(with_profile=False)
    response = api.post(f"/api/users/{bare.pk}/profile", {"role": "admin", "is_active": False})
    assert response.status_code == 201
    profile = response.json()["profile"]
    assert (profile["user_id"], profile["role"], profile["is_active"]) == (
        str(bare.pk),
        "admin",
        False,
    )
    entry = AdminAuditLog.objects.get(target_user_id=bare.pk)
    assert (entry.action, entry.actor) == ("profile_created", f"api:{admin.email}")


def test_create_profile__defaults_to_an_active_user(api, auth_user_factory):
    bare = auth_user_factory(with_profile=False)
    response = api.post(f"/api/users/{bare.pk}/profile")
    assert (response.json()["profile"]["role"], response.json()["profile"]["is_active"]) == (
        "user",
        True,
    )


def test_create_profile__existing_409_unknown_404_deleted_400_bad_role_400(api, auth_user_factory):
    member = auth_user_factory()
    existing = api.post(f"/api/users/{member.pk}/profile")
    assert existing.status_code == 409
    assert "already has a profile (role user, active)" in existing.json()["error"]
    assert api.post(f"/api/users/{uuid.uuid4()}/profile").status_code == 404
    gone = auth_user_factory(with_profile=False, deleted_at=timezone.now() - timedelta(days=1))
    assert api.post(f"/api/users/{gone.pk}/profile").status_code == 400
    bad = api.post(f"/api/users/{gone.pk}/profile", {"role": "root"})
    assert (bad.status_code, bad.json()["field"]) == (400, "role")


# POST /api/sync


def test_sync__dry_run_lists_and_writes_nothing(api, auth_user_factory):
    bare = auth_user_factory(with_profile=False)
    response = api.post("/api/sync", {"dry_run": True})
    assert response.status_code == 200
    body = response.json()
    assert (body["dry_run"], body["would_create"]) == (True, 1)
    assert body["sample"][0]["user_id"] == str(bare.pk)
    assert not UserProfile.objects.filter(user_id=bare.pk).exists()
    assert not AdminAuditLog.objects.exists()


def test_sync__creates_missing_profiles_and_audits_the_run(api, admin, auth_user_factory):
    bare = auth_user_factory.create_batch(2, with_profile=False)
    response = api.post("/api/sync", {})
    assert response.status_code == 200
    assert (response.json()["dry_run"], response.json()["created"]) == (False, 2)
    assert UserProfile.objects.filter(user_id__in=[u.pk for u in bare]).count() == 2
    entry = AdminAuditLog.objects.get(action="sync_run")
    assert (entry.actor, entry.new_values["created"]) == (f"api:{admin.email}", 2)


def test_sync__while_another_sync_runs_is_409(api, db):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO usersync.sync_runs (batch_size, triggered_by) VALUES (10, 'cron') "
            "RETURNING id"
        )
        run_id = cursor.fetchone()[0]
        cursor.execute(
            "INSERT INTO usersync.sync_lease (run_id, holder, expires_at) "
            "VALUES (%s, 'host pid 1', now() + interval '1 minute')",
            [run_id],
        )
    response = api.post("/api/sync", {"dry_run": False})
    assert response.status_code == 409
    assert response.json()["error"].startswith(f"another sync is running: sync run {run_id}")


def test_sync__refuses_fields_it_does_not_know_such_as_preserve(api, db):
    response = api.post("/api/sync", {"preserve": False})
    assert (response.status_code, response.json()["field"]) == (400, "preserve")


def test_api__nul_characters_are_400_naming_the_field_not_a_database_error(api, auth_user_factory):
    member = auth_user_factory()
    search = api.get("/api/users/", search="a\x00b")
    assert (search.status_code, search.json()["field"]) == (400, "search")
    patch = api.patch(f"/api/users/{member.pk}/", {"is_active": False, "reason": "a\u0000b"})
    assert (patch.status_code, patch.json()["field"]) == (400, "reason")
    nested = api.post(f"/api/users/{member.pk}/profile", {"role": {"x": ["\u0000"]}})
    assert (nested.status_code, nested.json()["field"]) == (400, "role")
