"""The Custom Access Token hook as Supabase Auth calls it (internal/hooks/hookspgfunc):
logged in as supabase_auth_admin, in a transaction, `set local statement_timeout` to
2 s, `select <hook>($event)`. Events and the output check follow the auth service's
internal/hooks/v0hooks and internal/tokens/service.go."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Any

import psycopg
from jsonschema import Draft7Validator
from psycopg.types.json import Jsonb

from tests.db import connect

HOOK = "usersync.access_token_hook"

# The auth service checks a hook's claims against this JSON schema (draft-07).
CLAIMS_SCHEMA = Draft7Validator(
    json.loads((Path(__file__).parent / "access_token_claims.schema.json").read_text())
)


def claims_schema_errors(output: Any) -> list[str]:
    """What the auth service would reject in a hook's output: not {"claims": {...}}, or
    claims that fail its schema (required keys, property types, amr items)."""
    if not isinstance(output, dict) or not isinstance(output.get("claims"), dict):
        return ["output claims field is missing or not an object"]
    return sorted(
        f"{'.'.join(map(str, error.absolute_path)) or 'claims'}: {error.message}"
        for error in CLAIMS_SCHEMA.iter_errors(output["claims"])
    )


def error_shape_errors(output: Any) -> list[str]:
    """What internal/hooks/hookserrors reads: {"error": {"http_code": int, "message": str}};
    an empty message would not count as an error at all."""
    error = output.get("error") if isinstance(output, dict) else None
    if not isinstance(error, dict):
        return ["no error object"]
    problems = []
    if not isinstance(error.get("http_code"), int) or not 400 <= error["http_code"] < 500:
        problems.append(f"http_code {error.get('http_code')!r} is not a 4xx status")
    if not isinstance(error.get("message"), str) or not error["message"]:
        problems.append("message is missing or empty")
    return problems


def make_event(
    user_id: uuid.UUID | str,
    method: str = "password",
    *,
    email: str = "someone@example.com",
    phone: str = "",
    provider: str = "email",
    is_anonymous: bool = False,
    aal: str = "aal1",
    aud: str | list[str] = "authenticated",
) -> dict[str, Any]:
    """A CustomAccessTokenInput as GenerateAccessToken builds it."""
    now = int(time.time())
    amr_method = "password" if method == "token_refresh" else method
    return {
        "metadata": {
            "uuid": str(uuid.uuid4()),
            "time": "2026-12-02T01:00:00.000000Z",
            "name": "customize-access-token",
            "ip_address": "203.0.113.7",
        },
        "user_id": str(user_id),
        "claims": {
            "iss": "https://project.supabase.co/auth/v1",
            "sub": str(user_id),
            "aud": aud,
            "exp": now + 3600,
            "iat": now,
            "email": email,
            "phone": phone,
            "app_metadata": {} if is_anonymous else {"provider": provider, "providers": [provider]},
            "user_metadata": {},
            "role": "authenticated",
            "aal": aal,
            "amr": [{"method": amr_method, "timestamp": now}],
            "session_id": str(uuid.uuid4()),
            "is_anonymous": is_anonymous,
        },
        "authentication_method": method,
    }


def call_in(conn: psycopg.Connection, event: dict[str, Any]) -> dict[str, Any]:
    """The hook's statements on an open transaction of `conn` (the auth service's)."""
    conn.execute("set local statement_timeout TO '2000'")
    row = conn.execute(f"select {HOOK}(%s)", [Jsonb(event)]).fetchone()
    conn.execute("set local statement_timeout TO default")
    return row[0] if not isinstance(row[0], str) else json.loads(row[0])


def call_hook(event: dict[str, Any]) -> dict[str, Any]:
    """One token issuance: its own connection as supabase_auth_admin, committed."""
    with connect(user="supabase_auth_admin") as conn, conn.transaction():
        return call_in(conn, event)
