"""usersync.access.decorators: the application's own views behind a Supabase token. A user
without a profile gets one on the spot; deactivated users are refused; last_login and
sign-ins are recorded sparingly."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from tests.factories import AuthUserFactory, insert_session, profile_of
from tests.tokens import bearer, make_token
from usersync.access.accounts import ON_DEMAND_ACTOR
from usersync.models import AdminAuditLog, UserActivityLog, UserProfile

pytestmark = pytest.mark.urls("tests.urls")


def whoami(client, user, **claims):
    return client.get(
        "/app/whoami",
        headers=bearer(make_token(user.pk, email=user.email, **claims)) | {"User-Agent": "t/1"},
    )


def test_supabase_user_required__lets_a_signed_in_user_in(client, auth_user_factory):
    user = auth_user_factory()
    response = whoami(client, user)
    assert response.status_code == 200
    assert response.json() == {
        "user_id": str(user.pk),
        "email": user.email,
        "role": "user",
        "is_active": True,
        "profile_created": False,
    }


def test_supabase_user_required__creates_a_missing_profile_on_the_spot(client, auth_user_factory):
    user = auth_user_factory(provider="github", with_profile=False)
    response = whoami(client, user)
    assert response.status_code == 200
    assert response.json()["profile_created"] is True
    profile = profile_of(user)
    assert (profile.role, profile.is_active, profile.sso_provider) == ("user", True, "github")
    entry = AdminAuditLog.objects.get(target_user_id=user.pk)
    assert (entry.action, entry.actor, entry.actor_user_id) == (
        "profile_created",
        ON_DEMAND_ACTOR,
        user.pk,
    )


def test_supabase_user_required__refuses_a_deactivated_user(client, auth_user_factory):
    user = auth_user_factory()
    UserProfile.objects.filter(user_id=user.pk).update(is_active=False)
    response = whoami(client, user)
    assert (response.status_code, response.json()) == (403, {"error": "account deactivated"})
    assert not UserActivityLog.objects.exists()


def test_supabase_user_required__refuses_a_banned_user(client, auth_user_factory):
    user = auth_user_factory()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE auth.users SET banned_until = now() + interval '1 day' WHERE id = %s",
            [user.pk],
        )
    response = whoami(client, user)
    assert (response.status_code, response.json()) == (403, {"error": "account banned"})


def test_supabase_user_required__refuses_a_deleted_users_still_valid_token(
    client, auth_user_factory
):
    user = auth_user_factory(deleted_at=timezone.now())
    response = whoami(client, user)
    assert response.status_code == 401
    assert response.json() == {"error": "the token's user no longer exists"}
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_supabase_user_required__refuses_bad_tokens_with_the_reason(client, auth_user_factory):
    user = auth_user_factory()
    response = whoami(client, user, exp=1)
    assert (response.status_code, response.json()) == (401, {"error": "token expired"})
    response = client.get("/app/whoami")
    assert response.json() == {"error": "missing Authorization: Bearer token"}


def test_supabase_user_required__with_roles_refuses_other_roles(client, auth_user_factory, admin):
    member = auth_user_factory()
    refused = client.get("/app/admins-only", headers=bearer(make_token(member.pk)))
    assert (refused.status_code, refused.json()) == (403, {"error": "this needs the role admin"})
    allowed = client.get("/app/admins-only", headers=bearer(make_token(admin.pk)))
    assert allowed.status_code == 200


def test_supabase_user_required__records_last_login_and_one_sign_in_per_session(
    client, auth_user_factory
):
    user = auth_user_factory()
    first, second = str(insert_session(user.pk)), str(insert_session(user.pk))
    whoami(client, user, session_id=first)
    first_login = profile_of(user).last_login
    assert first_login is not None
    entry = UserActivityLog.objects.get(user_id=user.pk)
    assert (entry.activity_type, entry.details) == (
        "sign_in",
        {"session_id": first, "methods": ["password"]},
    )
    assert (entry.ip_address, entry.user_agent) == ("127.0.0.1", "t/1")

    # Within the interval: nothing is written, whatever the session.
    whoami(client, user, session_id=first)
    whoami(client, user, session_id=second)
    assert profile_of(user).last_login == first_login
    assert UserActivityLog.objects.count() == 1


def test_supabase_user_required__after_the_interval_updates_last_login_and_logs_new_sessions(
    client, auth_user_factory
):
    user = auth_user_factory()
    first, second = str(insert_session(user.pk)), str(insert_session(user.pk))
    whoami(client, user, session_id=first)
    an_hour_ago = timezone.now() - timedelta(hours=1)
    UserProfile.objects.filter(user_id=user.pk).update(last_login=an_hour_ago)
    whoami(client, user, session_id=first)  # the same session: last_login only
    assert profile_of(user).last_login > an_hour_ago
    assert UserActivityLog.objects.count() == 1

    UserProfile.objects.filter(user_id=user.pk).update(last_login=an_hour_ago)
    whoami(client, user, session_id=second)
    sessions = list(
        UserActivityLog.objects.order_by("id").values_list("details__session_id", flat=True)
    )
    assert sessions == [first, second]


@pytest.mark.django_db(transaction=True)
def test_supabase_user_required__concurrent_first_requests_make_one_profile():
    user = AuthUserFactory(with_profile=False)
    token = make_token(user.pk)
    barrier = threading.Barrier(4)
    statuses: list[int] = []

    def request() -> None:
        try:
            barrier.wait(timeout=10)
            statuses.append(Client().get("/app/whoami", headers=bearer(token)).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=request) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert statuses == [200, 200, 200, 200]
    assert UserProfile.objects.filter(user_id=user.pk).count() == 1
    assert AdminAuditLog.objects.filter(target_user_id=user.pk).count() == 1
    assert UserActivityLog.objects.filter(user_id=user.pk).count() == 1
