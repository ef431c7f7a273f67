"""Supabase-shaped access tokens for tests, signed like the auth server signs them."""

from __future__ import annotations

import time
import uuid
from typing import Any

import jwt

JWT_SECRET = "usersync-tests-jwt-secret-" + "j" * 40
MONITORING_TOKEN = "usersync-tests-monitoring-" + "m" * 30


def make_token(
    sub: uuid.UUID | str,
    *,
    secret: Any = JWT_SECRET,
    algorithm: str = "HS256",
    aud: str | None = "authenticated",
    expires_in: int = 3600,
    headers: dict | None = None,
    **claims: Any,
) -> str:
    """A token without a session_id unless one is given (usersync checks only tokens
    that name one): pass session_id=tests.factories.insert_session(user_id) for a token
    of a live session, as the auth service issues them."""
    now = int(time.time())
    payload: dict[str, Any] = {
        "sub": str(sub),
        "role": "authenticated",
        "iat": now,
        "exp": now + expires_in,
        "amr": [{"method": "password", "timestamp": now}],
    }
    if aud is not None:
        payload["aud"] = aud
    payload.update(claims)
    return jwt.encode(payload, secret, algorithm=algorithm, headers=headers)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
