"""usersync.contrib.ninja against a real NinjaAPI (tests/urls.py, under /ninja/): the same
verifier and account rules as the decorator and DRF, on sync and async operations."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from asgiref.sync import sync_to_async
from django.db import connections
from django.test import AsyncClient

from tests.factories import AuthUserFactory, end_session, insert_session
from tests.tokens import bearer, make_token
from usersync.access.accounts import OAUTH_CLIENT_REFUSED, SESSION_NOT_FOUND
from usersync.contrib.ninja import HasRole, SupabaseAuth
from usersync.models import UserProfile

pytestmark = pytest.mark.urls("tests.urls")
OPERATIONS = ["/ninja/me", "/ninja/me-async"]
ADMIN_OPERATIONS = ["/ninja/admin", "/ninja/admin-async"]
CLIENT_ID = "3f2a9b1e-5c1d-4e0f-9a2b-7c8d9e0f1a2b"


def token_of(user, **claims) -> dict:
    return {"headers": bearer(make_token(user.pk, **claims))}


@pytest.mark.django_db
@pytest.mark.parametrize("url", OPERATIONS)
def test_supabase_auth__lets_an_active_user_in_with_the_account_as_request_auth(client, url):
    user = AuthUserFactory()
    response = client.get(url, **token_of(user))
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["user_id"], body["role"], body["is_active"]) == (str(user.pk), "user", True)
    assert body["same"] is True  # request.auth is request.supabase_user, as the decorator sets


@pytest.mark.django_db
@pytest.mark.parametrize("url", OPERATIONS)
def test_supabase_auth__refuses_a_deactivated_user_with_403(client, url):
    user = AuthUserFactory()
    UserProfile.objects.filter(user_id=user.pk).update(is_active=False)
    response = client.get(url, **token_of(user))
    assert response.status_code == 403
    assert response.json() == {"detail": "account deactivated"}


@pytest.mark.django_db
@pytest.mark.parametrize("url", OPERATIONS)
def test_supabase_auth__makes_a_missing_profile(client, url):
    user = AuthUserFactory(with_profile=False)
    response = client.get(url, **token_of(user))
    assert response.status_code == 200
    assert response.json()["profile_created"] is True
    assert UserProfile.objects.filter(user_id=user.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("url", OPERATIONS)
def test_supabase_auth__refuses_a_signed_out_session_with_401(client, url):
    user = AuthUserFactory()
    session = insert_session(user.pk)
    assert client.get(url, **token_of(user, session_id=str(session))).status_code == 200
    end_session(session)
    response = client.get(url, **token_of(user, session_id=str(session)))
    assert response.status_code == 401
    assert response.json() == {"detail": SESSION_NOT_FOUND}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("headers", "detail"),
    [
        ({}, "Unauthorized"),
        ({"Authorization": "Basic abc"}, "Unauthorized"),
        ({"Authorization": "Bearer not-a-token"}, "token is malformed"),
        (
            {"Authorization": f"Bearer {make_token(uuid.uuid4(), secret='x' * 40)}"},
            "token signature is invalid",
        ),
        ({"Authorization": f"Bearer {make_token(uuid.uuid4(), expires_in=-60)}"}, "token expired"),
    ],
)
def test_supabase_auth__refuses_missing_and_bad_tokens_with_401(client, headers, detail):
    for url in OPERATIONS:
        response = client.get(url, headers=headers)
        assert response.status_code == 401, url
        assert response.json() == {"detail": detail}


@pytest.mark.django_db
def test_supabase_auth__oauth_client_tokens_as_the_setting_or_the_instance_says(client, settings):
    user = AuthUserFactory()
    session = insert_session(user.pk, oauth_client_id=uuid.UUID(CLIENT_ID), scopes="openid")
    headers = token_of(user, session_id=str(session), client_id=CLIENT_ID, scope="openid")
    refused = client.get("/ninja/oauth-as-set", **headers)
    assert (refused.status_code, refused.json()) == (403, {"detail": OAUTH_CLIENT_REFUSED})
    allowed = client.get("/ninja/oauth-allowed", **headers)
    assert (allowed.status_code, allowed.json()) == (200, {"client_id": CLIENT_ID})
    settings.USERSYNC_ALLOW_OAUTH_CLIENTS = True
    assert client.get("/ninja/oauth-as-set", **headers).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("url", ADMIN_OPERATIONS)
def test_has_role__admits_the_role_and_refuses_others_with_403(client, make_admin, url):
    admin, member = make_admin(), AuthUserFactory()
    assert client.get(url, **token_of(admin)).json()["role"] == "admin"
    refused = client.get(url, **token_of(member))
    assert (refused.status_code, refused.json()) == (403, {"detail": "this needs the role admin"})
    deactivated = make_admin(active=False)
    assert client.get(url, **token_of(deactivated)).json() == {"detail": "account deactivated"}


def test_has_role__needs_a_role_name():
    with pytest.raises(ValueError, match="at least one role"):
        HasRole()
    assert HasRole("admin", "editor").roles == ("admin", "editor")
    assert isinstance(HasRole("admin"), SupabaseAuth)


@pytest.mark.django_db(transaction=True)
def test_supabase_auth__async_operations_through_the_asgi_handler():
    active, deactivated = AuthUserFactory(), AuthUserFactory()
    UserProfile.objects.filter(user_id=deactivated.pk).update(is_active=False)

    async def main():
        client = AsyncClient()
        try:
            return await asyncio.gather(
                client.get("/ninja/me-async", **token_of(active)),
                client.get("/ninja/me-async", **token_of(deactivated)),
            )
        finally:
            await sync_to_async(connections.close_all)()

    let_in, refused = asyncio.run(main())
    assert (let_in.status_code, let_in.json()["user_id"]) == (200, str(active.pk))
    assert (refused.status_code, refused.json()) == (403, {"detail": "account deactivated"})
