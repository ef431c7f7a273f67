"""Sign-in cost of the trigger on_auth_user_signed_in: single sign-ins as Supabase Auth
writes them (`UPDATE auth.users SET last_sign_in_at`, connected as supabase_auth_admin,
one autocommit transaction each, a prepared statement), with the trigger and with it
disabled, in alternating rounds (ABBA). Each sign-in is a different user with a profile,
so every one with the trigger moves a profile's last_login."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import psycopg

from bench.dataset import Dataset
from bench.measure import Samples
from bench.scratch import Scratch, bench_sql

AUTH_ROLE = "supabase_auth_admin"
WARM_UP = 20


@dataclass
class SignInResult:
    updates: int
    with_trigger: Samples = field(default_factory=Samples)
    without_trigger: Samples = field(default_factory=Samples)

    def as_dict(self) -> dict:
        return {
            "updates_per_round": self.updates,
            "with_trigger_seconds_per_sign_in": self.with_trigger.as_dict(),
            "without_trigger_seconds_per_sign_in": self.without_trigger.as_dict(),
        }


@contextmanager
def trigger(conn: psycopg.Connection, enabled: bool) -> Iterator[None]:
    conn.execute(bench_sql("signin_trigger_enable" if enabled else "signin_trigger_disable"))
    try:
        yield
    finally:
        conn.execute(bench_sql("signin_trigger_enable"))


def _sign_ins(auth: psycopg.Connection, ids: list[uuid.UUID]) -> float:
    statement = bench_sql("sign_in")
    start = time.perf_counter()
    for id_ in ids:
        auth.execute(statement, {"id": id_}, prepare=True)
    return (time.perf_counter() - start) / len(ids)


def run(scratch: Scratch, data: Dataset, rounds: int, updates: int) -> SignInResult:
    conn = data.conn
    wanted = 2 * WARM_UP + 2 * rounds * updates
    ids = [row[0] for row in conn.execute(bench_sql("signin_users"), {"count": wanted})]
    result = SignInResult(updates=updates)
    if len(ids) < wanted:
        raise RuntimeError(
            f"sign-in benchmark: {len(ids):,} users with a profile, {wanted:,} needed"
        )
    users = iter(ids)

    def take(count: int) -> list[uuid.UUID]:
        return [next(users) for _ in range(count)]

    with scratch.connect(user=AUTH_ROLE) as auth:
        for enabled in (True, False):
            with trigger(conn, enabled):
                _sign_ins(auth, take(WARM_UP))
        for round_ in range(rounds):
            for enabled in (True, False) if round_ % 2 == 0 else (False, True):
                with trigger(conn, enabled):
                    per_sign_in = _sign_ins(auth, take(updates))
                (result.with_trigger if enabled else result.without_trigger).add(per_sign_in)
    data.settle()
    return result
