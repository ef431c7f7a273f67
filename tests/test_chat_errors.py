"""Recording AI-chat errors: the helper the application calls, and POST /api/chat-errors
for clients with their own Supabase token (only their own errors, bounded bodies)."""

from __future__ import annotations

import json
import uuid

import pytest

from tests.tokens import bearer, make_token
from usersync.errors import InvalidField
from usersync.logs import records as logs
from usersync.models import ChatErrorLog


def test_record_chat_error__stores_user_type_message_and_context(db):
    user_id = uuid.uuid4()
    entry = logs.record_chat_error(str(user_id), " timeout ", "no answer", {"model": "m-1"})
    stored = ChatErrorLog.objects.get(pk=entry.pk)
    assert (stored.user_id, stored.error_type, stored.message, stored.context) == (
        user_id,
        "timeout",
        "no answer",
        {"model": "m-1"},
    )


def test_record_chat_error__cuts_a_very_long_message(db):
    entry = logs.record_chat_error(None, "overflow", "x" * 20_000)
    assert len(entry.message) == logs.MESSAGE_MAX_LENGTH


@pytest.mark.parametrize(
    ("error_type", "message", "context", "field"),
    [
        ("", "m", None, "error_type"),
        (None, "m", None, "error_type"),
        ("t" * 101, "m", None, "error_type"),
        ("timeout", "  ", None, "message"),
        ("timeout", 42, None, "message"),
        ("timeout", "m", ["not", "an", "object"], "context"),
        ("timeout", "m", {"blob": "x" * 9_000}, "context"),
    ],
)
def test_record_chat_error__refuses_bad_values_naming_the_field(
    db, error_type, message, context, field
):
    with pytest.raises(InvalidField) as raised:
        logs.record_chat_error(None, error_type, message, context)
    assert raised.value.field == field
    assert not ChatErrorLog.objects.exists()


def post(client, user, body, **token_claims):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(
        "/api/chat-errors",
        data,
        content_type="application/json",
        headers=bearer(make_token(user.pk, **token_claims)),
    )


def test_chat_errors__records_the_callers_own_error_with_201(client, auth_user_factory):
    user = auth_user_factory()
    response = post(client, user, {"error_type": "rate_limited", "message": "429", "context": {}})
    assert response.status_code == 201
    entry = ChatErrorLog.objects.get(pk=response.json()["id"])
    assert (entry.user_id, entry.error_type) == (user.pk, "rate_limited")


def test_chat_errors__accepts_the_callers_own_id_and_refuses_anyone_elses(
    client, auth_user_factory
):
    user, other = auth_user_factory.create_batch(2)
    body = {"error_type": "t", "message": "m"}
    assert post(client, user, body | {"user_id": str(user.pk)}).status_code == 201
    response = post(client, user, body | {"user_id": str(other.pk)})
    assert (response.status_code, response.json()) == (
        403,
        {"error": "you can record only your own errors", "field": "user_id"},
    )
    assert not ChatErrorLog.objects.filter(user_id=other.pk).exists()


def test_chat_errors__refuses_a_body_over_the_limit_with_413(client, auth_user_factory, settings):
    settings.USERSYNC_CHAT_ERROR_MAX_BYTES = 200
    user = auth_user_factory()
    response = post(client, user, {"error_type": "t", "message": "x" * 300})
    assert response.status_code == 413
    assert response.json() == {"error": "the request body is larger than 200 bytes"}
    assert not ChatErrorLog.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"message": "m"}, "error_type"),
        ({"error_type": "t"}, "message"),
        ({"error_type": "t", "message": "m", "context": "text"}, "context"),
        ({"error_type": "t", "message": "m", "severity": "high"}, "severity"),
        ({"error_type": "t", "message": "m", "user_id": "me"}, "user_id"),
    ],
)
def test_chat_errors__bad_bodies_are_400_naming_the_field(client, auth_user_factory, body, field):
    response = post(client, auth_user_factory(), body)
    assert (response.status_code, response.json()["field"]) == (400, field)


def test_chat_errors__invalid_json_is_400(client, auth_user_factory):
    response = post(client, auth_user_factory(), "{oops")
    assert (response.status_code, response.json()) == (
        400,
        {"error": "the request body is not valid JSON"},
    )
