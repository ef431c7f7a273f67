"""System checks of the token and monitoring settings; their ids are described in
usersync.checks, which registers these with the others. check_sessions_table is the one
that reads the database (tag "database": ``check --database``, and ``migrate``)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import jwt
from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning
from django.db import DatabaseError

from usersync.conf import conf
from usersync.db.connection import connection
from usersync.db.rows import fetch_one
from usersync.db.sql import query

MONITORING_TOKEN_MIN_LENGTH = 32
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


def shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _jwks_url_problem(url: str) -> str | None:
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return "is not a URL"
    if parts.scheme == "https" and host:
        return None
    if parts.scheme == "http" and host in LOCAL_HOSTS:
        return None if settings.DEBUG else "is plain http, allowed only with DEBUG on"
    return "is not an https URL"


def _supabase_url_problem(url: str) -> str | None:
    problem = _jwks_url_problem(url)
    if problem:
        return problem
    parts = urlsplit(url)
    if parts.path.strip("/") or parts.query or parts.fragment:
        return "is not just the project's address (no path such as /auth/v1)"
    return None


def _jwks_problem(text: str) -> str | None:
    try:
        data = json.loads(text)
    except ValueError as error:
        return f"is not valid JSON ({getattr(error, 'msg', error)})"
    if not isinstance(data, dict) or not isinstance(data.get("keys"), list) or not data["keys"]:
        return 'has no non-empty "keys" list'
    try:
        jwt.PyJWKSet.from_dict(data)
    except jwt.PyJWKSetError:
        return 'has no usable key (each needs "kty" and the fields of its key type)'
    return None


def check_tokens(**kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    url, jwks, audience = conf.JWKS_URL, conf.JWKS, conf.JWT_AUDIENCE
    problem = _jwks_url_problem(url) if url and isinstance(url, str) else None
    if problem:
        messages.append(
            Error(
                f"USERSYNC_JWKS_URL {shown(url)} {problem}.",
                hint="Set USERSYNC_JWKS_URL to https://PROJECT.supabase.co/auth/v1/.well-known"
                "/jwks.json (plain http only to localhost, with DEBUG on).",
                id="usersync.E008",
            )
        )
    supabase_url = conf.SUPABASE_URL
    problem = (
        _supabase_url_problem(supabase_url)
        if supabase_url and isinstance(supabase_url, str)
        else None
    )
    if problem:
        messages.append(
            Error(
                f"USERSYNC_SUPABASE_URL {shown(supabase_url)} {problem}.",
                hint="Set USERSYNC_SUPABASE_URL to the project's URL, e.g. "
                "https://PROJECT.supabase.co (Project Settings > Data API); usersync adds "
                "/auth/v1 itself (plain http only to localhost, with DEBUG on).",
                id="usersync.E035",
            )
        )
    problem = _jwks_problem(jwks) if jwks and isinstance(jwks, str) else None
    if problem:
        messages.append(
            Error(
                f"USERSYNC_JWKS {problem}.",
                hint='Set USERSYNC_JWKS to the project\'s JWKS JSON ({"keys": [...]}), or '
                "leave it empty and set USERSYNC_JWKS_URL.",
                id="usersync.E009",
            )
        )
    if not isinstance(audience, str) or not audience.strip():
        messages.append(
            Error(
                f"USERSYNC_JWT_AUDIENCE must be a non-empty string, not {shown(audience)}.",
                hint='Set USERSYNC_JWT_AUDIENCE to the tokens\' "aud" (Supabase: authenticated).',
                id="usersync.E010",
            )
        )
    if jwks and url:
        messages.append(
            Warning(
                "USERSYNC_JWKS and USERSYNC_JWKS_URL are both set: the inline JWKS is used "
                "and the URL never fetched.",
                hint="Set only one of USERSYNC_JWKS and USERSYNC_JWKS_URL.",
                id="usersync.W005",
            )
        )
    if conf.REQUIRE_SESSION_ID is True and conf.CHECK_SESSIONS is False:
        messages.append(
            Warning(
                "USERSYNC_REQUIRE_SESSION_ID is on but USERSYNC_CHECK_SESSIONS is off: tokens "
                "must name a session that is never looked up, so a signed-out token still "
                "works until it expires.",
                hint="Set USERSYNC_CHECK_SESSIONS = True (the default), or leave "
                "USERSYNC_REQUIRE_SESSION_ID unset.",
                id="usersync.W007",
            )
        )
    token = conf.MONITORING_TOKEN
    if isinstance(token, str) and 0 < len(token) < MONITORING_TOKEN_MIN_LENGTH:
        messages.append(
            Warning(
                f"USERSYNC_MONITORING_TOKEN has {len(token)} characters: short enough to guess.",
                hint=f"Set USERSYNC_MONITORING_TOKEN to {MONITORING_TOKEN_MIN_LENGTH}+ random "
                'characters (python -c "import secrets; print(secrets.token_urlsafe(32))").',
                id="usersync.W004",
            )
        )
    return messages


def check_keys_configured(**kwargs: Any) -> list[CheckMessage]:
    """Deployment checks: without a key no token is ever accepted (W001); with only the
    legacy HS256 secret, tokens signed with the project's asymmetric keys are refused and
    anyone holding the secret can sign tokens (W013)."""
    asymmetric = conf.JWKS or conf.JWKS_URL or conf.SUPABASE_URL  # a bad type: E018, E035
    if conf.JWT_SECRET and not asymmetric:
        return [
            Warning(
                "Only USERSYNC_JWT_SECRET (the legacy HS256 secret) is set: tokens signed "
                "with the project's asymmetric keys (ES256, RS256, EdDSA; the default of new "
                "Supabase projects) are refused, and Supabase recommends against verifying "
                "with the shared secret, which also signs tokens.",
                hint="Set USERSYNC_SUPABASE_URL to https://PROJECT.supabase.co: usersync then "
                "verifies with the project's JWKS and checks the issuer. Once the project "
                "has migrated to signing keys and revoked the legacy secret, unset "
                "USERSYNC_JWT_SECRET.",
                id="usersync.W013",
            )
        ]
    if conf.JWT_SECRET or asymmetric:
        return []
    return [
        Warning(
            "None of USERSYNC_SUPABASE_URL, USERSYNC_JWT_SECRET, USERSYNC_JWKS and "
            "USERSYNC_JWKS_URL is set: the API and the application's views cannot verify any "
            "token and answer 503.",
            hint="Set USERSYNC_SUPABASE_URL to https://PROJECT.supabase.co (the JWKS URL and "
            "the issuer derive from it), or USERSYNC_JWT_SECRET to the project's legacy JWT "
            "secret.",
            id="usersync.W001",
        )
    ]


def check_sessions_table(databases: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """A database check: the account query of every token-authenticated request reads
    auth.sessions. Silent when the database cannot be reached (other checks say so), has
    no auth schema yet, or has the local stand-in's, whose migrations create the table."""
    if not databases or conf.DATABASE not in databases:
        return []
    try:
        with connection().cursor() as cursor:
            cursor.execute(query("auth_sessions_state"))
            state = fetch_one(cursor)
    except DatabaseError:
        return []
    assert state is not None
    if state["has_sessions"] or not state["has_auth_users"] or state["is_standin"]:
        return []
    return [
        Error(
            f"The database {conf.DATABASE!r} (USERSYNC_DATABASE) has auth.users but no "
            "auth.sessions: usersync reads it with each token's account to refuse signed-out "
            "tokens, so every request with a Supabase token would answer 503.",
            hint="Point USERSYNC_DATABASE at the Supabase project's database (Supabase Auth "
            "creates auth.sessions), or on a plain PostgreSQL let usersync's local stand-in "
            "(usersync.contrib.supabase_local) create the auth schema.",
            id="usersync.E024",
        )
    ]
