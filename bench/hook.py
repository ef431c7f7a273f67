"""Cost of the access token hook per token issuance: usersync.access_token_hook against
a trivial hook that returns the event unchanged, both called exactly as Supabase Auth
calls them (logged in as supabase_auth_admin; per token one transaction with
`set local statement_timeout`, `select <hook>($event)`, the timeout reset), alternating
so that drift hits both alike. Also each function's own cost, many calls in one
statement, where the round trips that dominate an issuance do not hide it."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field

import psycopg
from psycopg.types.json import Jsonb

from bench.measure import Samples
from bench.scratch import Scratch, bench_sql

AUTH_ROLE = "supabase_auth_admin"
HOOK = "usersync.access_token_hook"
TRIVIAL = "usersync.bench_trivial_hook"
WARM_UP = 20


@dataclass
class HookResult:
    users: int
    calls_per_round: int
    issuance_hook: Samples = field(default_factory=Samples)
    issuance_trivial: Samples = field(default_factory=Samples)
    function_hook: Samples = field(default_factory=Samples)
    function_trivial: Samples = field(default_factory=Samples)

    def as_dict(self) -> dict:
        return {
            "users": self.users,
            "calls_per_round": self.calls_per_round,
            "issuance_hook_seconds_per_token": self.issuance_hook.as_dict(),
            "issuance_trivial_seconds_per_token": self.issuance_trivial.as_dict(),
            "function_hook_seconds_per_call": self.function_hook.as_dict(),
            "function_trivial_seconds_per_call": self.function_trivial.as_dict(),
        }


def event(user_id: uuid.UUID) -> dict:
    """A CustomAccessTokenInput as the auth service builds it for a password sign-in."""
    now = int(time.time())
    return {
        "metadata": {
            "uuid": str(uuid.uuid4()),
            "time": "2026-12-02T01:00:00Z",
            "name": "customize-access-token",
            "ip_address": "203.0.113.7",
        },
        "user_id": str(user_id),
        "claims": {
            "iss": "https://project.supabase.co/auth/v1",
            "sub": str(user_id),
            "aud": "authenticated",
            "exp": now + 3600,
            "iat": now,
            "email": f"{user_id.hex[:8]}@example.com",
            "phone": "",
            "app_metadata": {"provider": "email", "providers": ["email"]},
            "user_metadata": {},
            "role": "authenticated",
            "aal": "aal1",
            "amr": [{"method": "password", "timestamp": now}],
            "session_id": str(uuid.uuid4()),
            "is_anonymous": False,
        },
        "authentication_method": "password",
    }


def _issuances(auth: psycopg.Connection, function: str, events: list[Jsonb]) -> float:
    """Seconds per token issuance, the hook's part of it as the auth service runs it."""
    select = f"select {function}(%s)"
    start = time.perf_counter()
    for e in events:
        with auth.transaction():
            auth.execute("set local statement_timeout TO '2000'")
            output = auth.execute(select, [e], prepare=True).fetchone()[0]
            auth.execute("set local statement_timeout TO default")
    seconds = time.perf_counter() - start
    if function == HOOK and "user_role" not in output["claims"]:
        raise RuntimeError(f"the hook issued no usersync claims: {output}")
    return seconds / len(events)


def _in_one_statement(auth: psycopg.Connection, function: str, events: list[Jsonb]) -> float:
    """Seconds per call of the function alone: every event in one statement."""
    statement = f"select count({function}(e)) from unnest(%s::jsonb[]) e"
    start = time.perf_counter()
    with auth.transaction():
        auth.execute(statement, [events])
    return (time.perf_counter() - start) / len(events)


def run(
    scratch: Scratch, conn: psycopg.Connection, users: int, rounds: int, calls: int
) -> HookResult:
    conn.execute(bench_sql("trivial_hook"))
    ids = [row[0] for row in conn.execute(bench_sql("hook_users"), {"count": calls})]
    events = [Jsonb(event(i)) for i in ids]
    result = HookResult(users=users, calls_per_round=len(events))
    with scratch.connect(user=AUTH_ROLE) as auth:
        for function in (HOOK, TRIVIAL):
            _issuances(auth, function, events[:WARM_UP])
        for round_ in range(rounds):
            # ABBA order: neither function always goes first.
            order = (HOOK, TRIVIAL) if round_ % 2 == 0 else (TRIVIAL, HOOK)
            for function in order:
                per_token = _issuances(auth, function, events)
                per_call = _in_one_statement(auth, function, events)
                if function == HOOK:
                    result.issuance_hook.add(per_token)
                    result.function_hook.add(per_call)
                else:
                    result.issuance_trivial.add(per_token)
                    result.function_trivial.add(per_call)
    return result
