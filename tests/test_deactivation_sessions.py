"""Deactivation ends the user's Supabase Auth sessions (their refresh tokens stop working:
the token rows cascade, newer ones lose the session's key) in the same transaction,
audited with the count; with the access token hook a deactivated user gets no new
access token, and reactivation lets them back in."""

from __future__ import annotations

import json
import uuid

import pytest
from django.db import connection

from tests.auth_hook import call_hook, make_event
from usersync.admin.actions import sessions_ended_message
from usersync.logs.audit import Actor
from usersync.models import AdminAuditLog, UserProfile
from usersync.staff import changes as staff_changes
from usersync.staff.changes import LastActiveAdmin

pytestmark = pytest.mark.django_db


def sign_in(user_id: uuid.UUID, refreshes: int = 2) -> uuid.UUID:
    """What the auth service writes at sign-in and refresh: a session and its chain of
    refresh tokens (as supabase_auth_admin, the tables' owner)."""
    session_id = uuid.uuid4()
    with connection.cursor() as cursor:
        cursor.execute("SET ROLE supabase_auth_admin")
        try:
            cursor.execute(
                "INSERT INTO auth.sessions (id, user_id, created_at, updated_at, aal, "
                "refreshed_at, user_agent, ip) "
                "VALUES (%s, %s, now(), now(), 'aal1', now(), 'test', '203.0.113.7')",
                [session_id, user_id],
            )
            parent = None
            for _ in range(refreshes):
                token = uuid.uuid4().hex[:12]
                cursor.execute(
                    "INSERT INTO auth.refresh_tokens (instance_id, token, user_id, revoked, "
                    "created_at, updated_at, parent, session_id) "
                    "VALUES ('00000000-0000-0000-0000-000000000000', %s, %s, false, now(), "
                    "now(), %s, %s)",
                    [token, str(user_id), parent, session_id],
                )
                parent = token
        finally:
            cursor.execute("RESET ROLE")
    return session_id


def sessions_and_tokens(user_id: uuid.UUID) -> tuple[int, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM auth.sessions WHERE user_id = %(u)s), "
            "(SELECT count(*) FROM auth.refresh_tokens WHERE user_id = %(u)s::text)",
            {"u": user_id},
        )
        return cursor.fetchone()


@pytest.fixture
def actor(auth_user_factory):
    staff = auth_user_factory(email="alice@example.com")
    UserProfile.objects.filter(user_id=staff.pk).update(role="admin")
    return Actor("admin:alice", staff.pk)


def test_deactivate__ends_exactly_that_users_sessions_and_refresh_tokens(auth_user_factory, actor):
    bob, carol = auth_user_factory(), auth_user_factory()
    sign_in(bob.pk), sign_in(bob.pk, refreshes=3)
    sign_in(carol.pk)
    sign_in(actor.auth_user_id)
    change = staff_changes.deactivate(bob.pk, actor, "compromised")
    assert change.sessions_revoked == 2
    assert change.as_dict()["sessions_revoked"] == 2
    assert sessions_and_tokens(bob.pk) == (0, 0)
    assert sessions_and_tokens(carol.pk) == (1, 2)
    assert sessions_and_tokens(actor.auth_user_id) == (1, 2)


def test_deactivate__audits_how_many_sessions_it_ended(auth_user_factory, actor):
    bob = auth_user_factory(email="bob@example.com")
    sign_in(bob.pk)
    staff_changes.deactivate(bob.pk, actor, "contract ended")
    entry = AdminAuditLog.objects.get(action="deactivated")
    assert entry.details == {
        "email": "bob@example.com",
        "sessions_revoked": 1,
        # The ban in Supabase Auth (tests/test_auth_ban.py).
        "supabase_auth_ban": {
            "set_by_usersync": True,
            "banned_until": "2999-12-31T23:59:59+00:00",
            "previous_banned_until": None,
        },
    }


def test_deactivate__a_user_without_sessions_audits_zero(auth_user_factory, actor):
    bob = auth_user_factory()
    assert staff_changes.deactivate(bob.pk, actor, "left").sessions_revoked == 0
    assert AdminAuditLog.objects.get(action="deactivated").details["sessions_revoked"] == 0


def test_deactivate__refused_leaves_the_sessions(auth_user_factory):
    last_admin = auth_user_factory()
    UserProfile.objects.filter(user_id=last_admin.pk).update(role="admin")
    sign_in(last_admin.pk)
    with pytest.raises(LastActiveAdmin):
        staff_changes.deactivate(last_admin.pk, Actor("command:test"), "oops")
    assert sessions_and_tokens(last_admin.pk) == (1, 2)


def test_deactivate__without_auth_sessions_works_and_says_nothing_of_sessions(
    auth_user_factory, actor
):
    bob = auth_user_factory()
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE auth.refresh_tokens RENAME TO refresh_tokens_away")
        cursor.execute("ALTER TABLE auth.sessions RENAME TO sessions_away")
    change = staff_changes.deactivate(bob.pk, actor, "left")
    assert change.sessions_revoked is None
    assert "sessions_revoked" not in change.as_dict()
    assert "sessions_revoked" not in AdminAuditLog.objects.get(action="deactivated").details


def test_reactivate__ends_no_sessions(auth_user_factory, actor):
    bob = auth_user_factory()
    staff_changes.deactivate(bob.pk, actor, "mistake")
    sign_in(bob.pk)
    change = staff_changes.reactivate(bob.pk, actor)
    assert change.sessions_revoked is None
    assert sessions_and_tokens(bob.pk) == (1, 2)


def test_api_deactivation__reports_the_ended_sessions(client, admin_headers, auth_user_factory):
    bob = auth_user_factory()
    sign_in(bob.pk)
    response = client.patch(
        f"/api/users/{bob.pk}/",
        json.dumps({"is_active": False, "reason": "spam"}),
        content_type="application/json",
        headers=admin_headers,
    )
    assert response.status_code == 200
    assert response.json()["changes"][0]["sessions_revoked"] == 1
    assert sessions_and_tokens(bob.pk) == (0, 0)


def test_admin_deactivation__says_the_sessions_were_ended(admin_client, auth_user_factory):
    own = auth_user_factory(email="admin@example.com")
    UserProfile.objects.filter(user_id=own.pk).update(role="admin")
    bob, carol = auth_user_factory(email="bob@example.com"), auth_user_factory()
    sign_in(bob.pk), sign_in(bob.pk), sign_in(carol.pk)
    profiles = UserProfile.objects.filter(user_id__in=[bob.pk, carol.pk])
    response = admin_client.post(
        "/admin/usersync/userprofile/",
        {
            "action": "deactivate_selected",
            "_selected_action": [p.pk for p in profiles],
            "post": "yes",
            "reason": "breach",
        },
        follow=True,
    )
    assert sessions_ended_message(3) in [str(m) for m in response.context["messages"]]


@pytest.mark.django_db(transaction=True)
def test_deactivated_user__gets_no_new_access_token_until_reactivated(auth_user_factory, actor):
    bob = auth_user_factory()
    session_id = sign_in(bob.pk)
    event = make_event(bob.pk, method="token_refresh")
    event["claims"]["session_id"] = str(session_id)
    assert call_hook(event)["claims"]["user_is_active"] is True
    staff_changes.deactivate(bob.pk, actor, "breach")
    assert call_hook(event)["error"]["http_code"] == 403
    assert sessions_and_tokens(bob.pk) == (0, 0)
    staff_changes.reactivate(bob.pk, actor)
    assert call_hook(make_event(bob.pk))["claims"]["user_role"] == "user"


def test_create_profile_inactive__ends_the_users_sessions_and_audits_the_count(
    auth_user_factory,
):
    from usersync.sync.profiles import create_profile

    inactive, active = auth_user_factory(with_profile=False), auth_user_factory(with_profile=False)
    sign_in(inactive.pk), sign_in(active.pk)
    create_profile(inactive.pk, active=False)
    create_profile(active.pk)
    assert sessions_and_tokens(inactive.pk) == (0, 0)
    assert sessions_and_tokens(active.pk) == (1, 2)
    details = dict(
        AdminAuditLog.objects.filter(action="profile_created").values_list(
            "target_user_id", "details"
        )
    )
    assert details[inactive.pk]["sessions_revoked"] == 1
    assert "sessions_revoked" not in details[active.pk]
