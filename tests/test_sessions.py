"""A signed-out session is out of Django at once: a token whose session_id no longer
exists in auth.sessions is refused with 401 by the decorator, the user-management API and
SupabaseAuthentication, as the auth service refuses it; checked in the statement that
reads the account. Sessions are written and ended as the auth service does it."""

from __future__ import annotations

import json
import logging
import uuid

import pytest
from django.core.checks import run_checks
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import end_session, insert_session
from tests.tokens import bearer, make_token
from usersync.access import accounts
from usersync.access.accounts import SESSION_NOT_FOUND
from usersync.db.sql import query
from usersync.http import MISCONFIGURED

pytestmark = [pytest.mark.urls("tests.urls"), pytest.mark.django_db]

# One URL per way in: the decorator, the admin API, DRF.
WAYS_IN = {"decorator": "/app/whoami", "api": "/api/users/", "drf": "/drf/me/"}


@pytest.fixture
def caller(make_admin):
    """An active admin, so that every way in lets their live session in."""
    return make_admin()


def call(client, way: str, user, **claims):
    token = make_token(user.pk, email=user.email, **claims)
    return client.get(WAYS_IN[way], headers=bearer(token))


def error_of(response) -> str:
    return response.json().get("error") or response.json().get("detail")


@pytest.mark.parametrize("way", WAYS_IN)
def test_session_check__lets_a_live_session_in(client, caller, way):
    session = insert_session(caller.pk)
    assert call(client, way, caller, session_id=str(session)).status_code == 200


@pytest.mark.parametrize("way", WAYS_IN)
def test_session_check__refuses_a_signed_out_session_with_401(client, caller, way):
    session = insert_session(caller.pk)
    assert call(client, way, caller, session_id=str(session)).status_code == 200
    end_session(session)
    response = call(client, way, caller, session_id=str(session))
    assert (response.status_code, error_of(response)) == (401, SESSION_NOT_FOUND)
    assert 'error="invalid_token"' in response["WWW-Authenticate"]
    assert SESSION_NOT_FOUND in response["WWW-Authenticate"]


@pytest.mark.parametrize("way", WAYS_IN)
def test_session_check__refuses_a_session_of_another_user(client, caller, auth_user_factory, way):
    other = auth_user_factory()
    response = call(client, way, caller, session_id=str(insert_session(other.pk)))
    assert (response.status_code, error_of(response)) == (401, SESSION_NOT_FOUND)


@pytest.mark.parametrize("way", WAYS_IN)
def test_session_check__a_token_without_session_id_is_not_checked(client, caller, way):
    assert call(client, way, caller).status_code == 200
    # An empty claim and the nil UUID name no session either, as the auth service reads them.
    assert call(client, way, caller, session_id="").status_code == 200
    assert call(client, way, caller, session_id=str(uuid.UUID(int=0))).status_code == 200


@pytest.mark.parametrize("way", WAYS_IN)
def test_session_check__require_session_id_refuses_a_token_without_one(
    client, caller, settings, way
):
    settings.USERSYNC_REQUIRE_SESSION_ID = True
    response = call(client, way, caller)
    assert (response.status_code, error_of(response)) == (
        401,
        "token lacks the 'session_id' claim",
    )
    assert call(client, way, caller, session_id=str(insert_session(caller.pk))).status_code == 200


@pytest.mark.parametrize("way", WAYS_IN)
def test_session_check__turned_off_lets_a_signed_out_session_in(client, caller, settings, way):
    settings.USERSYNC_CHECK_SESSIONS = False
    session = insert_session(caller.pk)
    end_session(session)
    assert call(client, way, caller, session_id=str(session)).status_code == 200


@pytest.mark.parametrize("way", WAYS_IN)
def test_session_check__refuses_a_session_id_that_is_not_a_uuid(client, caller, way):
    response = call(client, way, caller, session_id="session-1")
    assert (response.status_code, error_of(response)) == (
        401,
        "invalid claim: session_id claim must be a UUID",
    )


def test_session_check__reads_auth_sessions_in_the_one_statement_that_reads_the_account(
    client, caller
):
    session = insert_session(caller.pk)
    with CaptureQueriesContext(connection) as captured:
        response = call(client, "api", caller, session_id=str(session))
    assert response.status_code == 200
    reading_sessions = [q["sql"] for q in captured if "auth.sessions" in q["sql"]]
    assert len(reading_sessions) == 1
    assert "FROM auth.users" in reading_sessions[0]


def test_session_check__probes_auth_sessions_once_by_its_primary_key(caller):
    session = insert_session(caller.pk)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table: ask for the index
        cursor.execute(
            "EXPLAIN (FORMAT JSON) " + query("app_user"),
            {"user_id": caller.pk, "session_id": session},
        )
        plan = json.dumps(cursor.fetchone()[0])
    assert plan.count('"Relation Name": "sessions"') == 1
    assert '"Index Name": "sessions_pkey"' in plan


def test_session_check__a_deactivation_signs_the_user_out_of_django(client, make_admin, caller):
    from usersync.logs.audit import Actor
    from usersync.staff import changes as staff_changes

    member = make_admin()  # a second admin, so that one active admin remains
    session = insert_session(member.pk)
    assert call(client, "decorator", member, session_id=str(session)).status_code == 200
    staff_changes.deactivate(member.pk, Actor("test", auth_user_id=caller.pk), "left")
    response = call(client, "decorator", member, session_id=str(session))
    assert (response.status_code, error_of(response)) == (401, SESSION_NOT_FOUND)


def hide_sessions_table() -> None:
    """A database with auth.users but without auth.sessions, and not the stand-in (rolled
    back with the test's transaction)."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE auth.sessions RENAME TO sessions_hidden")
        cursor.execute("COMMENT ON SCHEMA auth IS 'an auth schema usersync did not make'")


@pytest.mark.parametrize("way", WAYS_IN)
def test_session_check__without_auth_sessions_is_503_and_the_log_says_why(
    client, caller, caplog, way
):
    hide_sessions_table()
    with caplog.at_level(logging.ERROR, logger="usersync"):
        response = call(client, way, caller, session_id=str(uuid.uuid4()))
    assert (response.status_code, error_of(response)) == (503, MISCONFIGURED)
    assert accounts.SESSIONS_TABLE_MISSING in caplog.text


def test_check_sessions_table__without_auth_sessions_is_e024():
    assert [m.id for m in run_checks(databases=["default"]) if m.id == "usersync.E024"] == []
    hide_sessions_table()
    messages = [m for m in run_checks(databases=["default"]) if m.id == "usersync.E024"]
    assert len(messages) == 1
    assert "auth.sessions" in messages[0].msg and messages[0].hint
