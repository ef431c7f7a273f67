"""Who gets in, on every protected URL: no token, a bad one, an expired one, one for
another audience, a forged one, a non-admin, a deactivated admin, a valid admin; and
for the monitoring URLs also the monitoring token and Django sessions."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.db import connection

from tests.factories import AuthUserFactory
from tests.tokens import MONITORING_TOKEN, bearer, make_token
from usersync.models import UserProfile


@dataclass
class World:
    admin: object
    member: object
    deactivated_admin: object
    bare: object


@pytest.fixture
def world(make_admin) -> World:
    return World(
        admin=make_admin(),
        member=AuthUserFactory(),
        deactivated_admin=make_admin(active=False),
        bare=AuthUserFactory(with_profile=False),
    )


# (method, url template, JSON body, status for a valid admin)
PROTECTED = {
    "staff health": ("get", "/admin/users/health-check", None, 200),
    "metrics": ("get", "/metrics", None, 200),
    "list users": ("get", "/api/users/", None, 200),
    "one user": ("get", "/api/users/{member}/", None, 200),
    "change user": ("patch", "/api/users/{member}/", {"role": "admin"}, 200),
    "create profile": ("post", "/api/users/{bare}/profile", {}, 201),
    "sync": ("post", "/api/sync", {"dry_run": True}, 200),
}
OTHER_SECRET = "not-the-projects-secret-" + "z" * 40


def token_for(case: str, world: World) -> str | None:
    admin = world.admin.pk
    return {
        "no token": None,
        "bad token": "not-a-jwt",
        "expired": make_token(admin, expires_in=-3600),
        "wrong audience": make_token(admin, aud="anon"),
        "forged": make_token(admin, secret=OTHER_SECRET),
        "non-admin": make_token(world.member.pk),
        "deactivated admin": make_token(world.deactivated_admin.pk),
        "valid admin": make_token(admin, email=world.admin.email),
    }[case]


EXPECTED = {
    "no token": (401, "missing Authorization: Bearer token"),
    "bad token": (401, "token is malformed"),
    "expired": (401, "token expired"),
    "wrong audience": (401, "token audience is not 'authenticated'"),
    "forged": (401, "token signature is invalid"),
    "non-admin": (403, "this needs the role admin"),
    "deactivated admin": (403, "account deactivated"),
}


def call(client, name: str, world: World, headers: dict):
    method, template, body, _ = PROTECTED[name]
    url = template.format(member=world.member.pk, bare=world.bare.pk)
    if body is None:
        return getattr(client, method)(url, headers=headers)
    return getattr(client, method)(
        url, json.dumps(body), content_type="application/json", headers=headers
    )


@pytest.mark.parametrize("case", [*EXPECTED, "valid admin"])
@pytest.mark.parametrize("name", PROTECTED)
def test_protected_url__answers_each_kind_of_caller(client, world, name, case):
    token = token_for(case, world)
    response = call(client, name, world, bearer(token) if token else {})
    if case == "valid admin":
        assert response.status_code == PROTECTED[name][3]
        return
    status, reason = EXPECTED[case]
    assert response.status_code == status
    if case == "no token" and name in {"staff health", "metrics"}:
        reason = "authentication required: a staff session or Authorization: Bearer <token>"
    assert response.json() == {"error": reason}  # and nothing of the URL's data
    if status == 401:
        assert response["WWW-Authenticate"].startswith('Bearer realm="usersync"')


@pytest.mark.parametrize("name", PROTECTED)
def test_protected_url__refuses_profile_less_users_without_making_them_one(client, world, name):
    response = call(client, name, world, bearer(make_token(world.bare.pk)))
    assert response.status_code == 403
    assert not UserProfile.objects.filter(user_id=world.bare.pk).exists()


@pytest.mark.parametrize("url", ["/admin/users/health-check", "/metrics"])
def test_monitoring_url__accepts_the_monitoring_token_and_refuses_a_wrong_one(client, db, url):
    assert client.get(url, headers=bearer(MONITORING_TOKEN)).status_code == 200
    wrong = client.get(url, headers=bearer(MONITORING_TOKEN + "x"))
    assert (wrong.status_code, wrong.json()) == (401, {"error": "token is malformed"})


@pytest.mark.parametrize("url", ["/admin/users/health-check", "/metrics"])
def test_monitoring_url__without_a_configured_token_refuses_any_bearer(client, db, url, settings):
    settings.USERSYNC_MONITORING_TOKEN = ""
    assert client.get(url, headers=bearer("")).status_code == 401
    assert client.get(url, headers=bearer(MONITORING_TOKEN)).status_code == 401


@pytest.mark.parametrize("url", ["/admin/users/health-check", "/metrics"])
def test_monitoring_url__takes_a_staff_session_and_refuses_other_sessions(client, db, url):
    from django.contrib.auth.models import Permission

    staff = User.objects.create_user("staff", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_userprofile"))
    client.force_login(staff)
    assert client.get(url).status_code == 200
    refused = {"error": "staff with a usersync view permission only"}
    client.force_login(User.objects.create_user("visitor"))
    response = client.get(url)
    assert (response.status_code, response.json()) == (403, refused)
    client.force_login(User.objects.create_user("other_apps_staff", is_staff=True))
    response = client.get(url)
    assert (response.status_code, response.json()) == (403, refused)


def test_chat_errors__takes_any_active_users_own_token(client, world):
    body = json.dumps({"error_type": "timeout", "message": "the model timed out"})

    def post(token: str | None):
        headers = bearer(token) if token else {}
        return client.post(
            "/api/chat-errors", body, content_type="application/json", headers=headers
        )

    assert post(None).status_code == 401
    assert post(make_token(world.member.pk, expires_in=-3600)).status_code == 401
    assert post(make_token(world.member.pk, aud="anon")).status_code == 401
    assert post(make_token(world.member.pk, secret=OTHER_SECRET)).status_code == 401
    assert post(make_token(world.deactivated_admin.pk)).json() == {"error": "account deactivated"}
    assert post(make_token(world.member.pk)).status_code == 201
    assert post(make_token(world.admin.pk)).status_code == 201


def test_api__answers_503_when_tokens_cannot_be_verified(client, world, settings):
    settings.USERSYNC_JWT_SECRET = ""
    response = client.get("/api/users/", headers=bearer(make_token(world.admin.pk)))
    assert response.status_code == 503
    assert "not configured" in response.json()["error"]


def test_staff_health__with_a_staff_session_and_the_database_down_is_503(database_down, client):
    # The session cookie names a session the database cannot be asked about.
    client.cookies["sessionid"] = "x" * 32
    response = client.get("/admin/users/health-check")
    assert (response.status_code, response.json()) == (
        503,
        {"error": "the database is unreachable"},
    )


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/users/"),
        ("patch", "/api/users/6d0c5f0e-8b5f-4c11-9d57-0a8a6f9c2b11/"),
        ("post", "/api/chat-errors"),
    ],
)
def test_api__with_the_database_down_is_503_with_the_detail_only_in_the_server_log(
    database_down, client, caplog, method, url
):
    token = make_token("6d0c5f0e-8b5f-4c11-9d57-0a8a6f9c2b11")
    with caplog.at_level(logging.ERROR, logger="usersync"):
        body = {} if method == "get" else {"data": "{}", "content_type": "application/json"}
        response = getattr(client, method)(url, headers=bearer(token), **body)
    assert response.status_code == 503
    assert response.json() == {
        "error": "the service cannot reach its database right now; try again later"
    }
    dbname = connection.settings_dict["NAME"]
    for secret in ("127.0.0.1", str(database_down), dbname):
        assert secret not in response.content.decode()
    logged = [r.getMessage() for r in caplog.records if r.name == "usersync"]
    assert any(f"127.0.0.1:{database_down}/{dbname}" in line for line in logged)
