"""Every Python path that makes a profile without being told a role gives it
USERSYNC_DEFAULT_ROLE, never the first of USERSYNC_ALLOWED_ROLES."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from tests.factories import profile_of
from tests.tokens import bearer, make_token
from usersync.admin.missing import CreateProfileForm
from usersync.sync.profiles import create_profile

pytestmark = pytest.mark.urls("tests.urls")


@pytest.fixture(params=[("user", ["admin", "user"]), ("member", ["admin", "user", "member"])])
def default_role(request, settings) -> str:
    """An admin role listed first, and a default role that is not the first either."""
    role, allowed = request.param
    settings.USERSYNC_ALLOWED_ROLES = allowed
    settings.USERSYNC_DEFAULT_ROLE = role
    return role


def test_chat_errors__a_profile_less_caller_gets_the_default_role(
    client, auth_user_factory, default_role
):
    user = auth_user_factory(with_profile=False)
    response = client.post(
        "/api/chat-errors",
        json.dumps({"error_type": "timeout", "message": "no answer"}),
        content_type="application/json",
        headers=bearer(make_token(user.pk)),
    )
    assert response.status_code == 201
    assert profile_of(user).role == default_role


def test_supabase_user_required__a_profile_less_user_gets_the_default_role(
    client, auth_user_factory, default_role
):
    user = auth_user_factory(with_profile=False)
    response = client.get("/app/whoami", headers=bearer(make_token(user.pk)))
    assert response.status_code == 200
    assert (response.json()["role"], response.json()["profile_created"]) == (default_role, True)
    assert profile_of(user).role == default_role


def test_api_create_profile__without_a_role_gives_the_default_role(
    client, admin_headers, auth_user_factory, default_role
):
    user = auth_user_factory(with_profile=False)
    response = client.post(
        f"/api/users/{user.pk}/profile",
        "{}",
        content_type="application/json",
        headers=admin_headers,
    )
    assert response.status_code == 201
    assert response.json()["profile"]["role"] == default_role


def test_create_profile_command__without_role_gives_the_default_role(
    auth_user_factory, default_role
):
    user = auth_user_factory(with_profile=False)
    call_command("create_profile", str(user.pk), stdout=StringIO())
    assert profile_of(user).role == default_role


def test_create_profile__without_role_gives_the_default_role(auth_user_factory, default_role):
    user = auth_user_factory(with_profile=False)
    assert create_profile(user.pk).role == default_role
    assert profile_of(user).role == default_role


def test_admin_create_profile_form__offers_the_default_role_first_chosen(default_role):
    form = CreateProfileForm()
    assert form.fields["role"].initial == default_role
    assert [value for value, _ in form.fields["role"].choices] == [
        "admin",
        "user",
        *(["member"] if default_role == "member" else []),
    ]


def test_chat_errors__admin_listed_first_never_makes_a_profile_less_caller_an_admin(
    client, auth_user_factory, settings
):
    # The attack: ALLOWED_ROLES=admin,user and no DEFAULT_ROLE set; the first listed role
    # must not be what a profile-less caller gets, nor open the user-management API.
    settings.USERSYNC_ALLOWED_ROLES = ["admin", "user"]
    user = auth_user_factory(with_profile=False)
    headers = bearer(make_token(user.pk))
    response = client.post(
        "/api/chat-errors",
        json.dumps({"error_type": "timeout", "message": "no answer"}),
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 201
    assert profile_of(user).role == "user"
    assert client.get("/api/users/", headers=headers).status_code == 403
