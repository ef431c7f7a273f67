"""Cost of the session check per request: verifying one request's Supabase token and
admitting its user (usersync.access: signature, claims, then the one statement that reads
the account) with USERSYNC_CHECK_SESSIONS on, against the same with it off, in this
process on Django's connection, as a view does it. Alternating rounds (ABBA), so that
drift hits both alike. Every user has a session, so the probe reads a table of realistic
size."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field

import jwt
import psycopg

from bench.measure import Samples
from bench.scratch import bench_sql

SECRET = "usersync-bench-jwt-secret-" + "b" * 40
WARM_UP = 20


@dataclass
class SessionsResult:
    users: int
    calls_per_round: int
    with_check: Samples = field(default_factory=Samples)
    without_check: Samples = field(default_factory=Samples)

    def as_dict(self) -> dict:
        return {
            "users": self.users,
            "calls_per_round": self.calls_per_round,
            "with_check_seconds_per_request": self.with_check.as_dict(),
            "without_check_seconds_per_request": self.without_check.as_dict(),
        }


def token(user_id: uuid.UUID, session_id: uuid.UUID) -> str:
    """An access token as the auth service signs it (HS256, the legacy secret)."""
    now = int(time.time())
    claims = {
        "sub": str(user_id),
        "aud": "authenticated",
        "role": "authenticated",
        "iat": now,
        "exp": now + 3600,
        "session_id": str(session_id),
        "amr": [{"method": "password", "timestamp": now}],
        "aal": "aal1",
        "is_anonymous": False,
    }
    return jwt.encode(claims, SECRET, algorithm="HS256")


def _verifications(tokens: list[str], check: bool) -> float:
    """Seconds per request: the token verified and its user admitted."""
    from django.test import override_settings

    from usersync.access import accounts
    from usersync.access import tokens as verifier

    # DEBUG off, as in production: with it on, Django keeps every query's SQL.
    with override_settings(DEBUG=False, USERSYNC_JWT_SECRET=SECRET, USERSYNC_CHECK_SESSIONS=check):
        start = time.perf_counter()
        for t in tokens:
            accounts.admit(verifier.verify(t), create_missing_profile=False)
        return (time.perf_counter() - start) / len(tokens)


def run(conn: psycopg.Connection, users: int, rounds: int, calls: int) -> SessionsResult:
    conn.execute(bench_sql("sessions_insert"))
    conn.execute("ANALYZE auth.sessions")
    try:
        rows = conn.execute(bench_sql("session_users"), {"count": calls}).fetchall()
        tokens = [token(user_id, session_id) for user_id, session_id in rows]
        result = SessionsResult(users=users, calls_per_round=len(tokens))
        for check in (True, False):
            _verifications(tokens[:WARM_UP], check)
        for round_ in range(rounds):
            for check in (True, False) if round_ % 2 == 0 else (False, True):
                per_request = _verifications(tokens, check)
                (result.with_check if check else result.without_check).add(per_request)
        return result
    finally:
        conn.execute(bench_sql("sessions_delete"))
