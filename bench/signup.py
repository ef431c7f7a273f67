"""Sign-up cost of the trigger: single-row inserts into auth.users as Supabase Auth
makes them (connected as supabase_auth_admin, one transaction each, synchronous
commit), and a bulk import in one statement (usersync's own seed SQL), each with our
triggers and with them disabled, alternating so that drift hits both alike."""

from __future__ import annotations

import statistics
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import psycopg

from bench.dataset import Dataset
from bench.measure import Samples, timed
from bench.scratch import Scratch, bench_sql

AUTH_ROLE = "supabase_auth_admin"
WARM_UP = 20


@dataclass
class SignUpResult:
    single_inserts: int
    single_with: Samples = field(default_factory=Samples)
    single_without: Samples = field(default_factory=Samples)
    bulk_users: int = 0
    bulk_with: Samples = field(default_factory=Samples)
    bulk_without: Samples = field(default_factory=Samples)

    def as_dict(self) -> dict:
        return {
            "single_inserts_per_round": self.single_inserts,
            "single_with_trigger_seconds_per_insert": self.single_with.as_dict(),
            "single_without_trigger_seconds_per_insert": self.single_without.as_dict(),
            "bulk_users": self.bulk_users,
            "bulk_with_trigger_seconds": self.bulk_with.as_dict(),
            "bulk_without_trigger_seconds": self.bulk_without.as_dict(),
        }


@contextmanager
def triggers(conn: psycopg.Connection, enabled: bool) -> Iterator[None]:
    conn.execute(bench_sql("triggers_enable" if enabled else "triggers_disable"))
    try:
        yield
    finally:
        conn.execute(bench_sql("triggers_enable"))


def _sign_ups(auth: psycopg.Connection, count: int, made: list[uuid.UUID]) -> float:
    """Seconds per sign-up, each its own autocommit transaction (a prepared statement,
    as the auth service's driver keeps them)."""
    statement = bench_sql("sign_up")
    ids = [uuid.uuid4() for _ in range(count)]
    start = time.perf_counter()
    for id_ in ids:
        auth.execute(statement, {"id": id_, "email": f"bench-{id_}@example.com"}, prepare=True)
    seconds = time.perf_counter() - start
    made.extend(ids)
    return seconds / count


class SignUpProbe:
    """Sign-ups at a steady pace on a connection of their own, each one timed: what a
    person signing up meanwhile waits for. Bounded in count; stops with its block."""

    def __init__(self, scratch: Scratch, interval: float = 0.05, limit: int = 20_000):
        self._scratch = scratch
        self._interval = interval
        self._limit = limit
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.latencies: list[float] = []
        self.ids: list[uuid.UUID] = []

    def __enter__(self) -> SignUpProbe:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        statement = bench_sql("sign_up")
        with self._scratch.connect(user=AUTH_ROLE) as auth:
            while not self._stop.is_set() and len(self.ids) < self._limit:
                id_ = uuid.uuid4()
                start = time.perf_counter()
                auth.execute(statement, {"id": id_, "email": f"probe-{id_}@example.com"})
                self.latencies.append(time.perf_counter() - start)
                self.ids.append(id_)
                self._stop.wait(self._interval)

    @property
    def median(self) -> float:
        return statistics.median(self.latencies) if self.latencies else 0.0

    @property
    def longest(self) -> float:
        return max(self.latencies, default=0.0)


def _bulk(auth: psycopg.Connection, count: int, batch: str) -> float:
    from usersync.contrib.supabase_local.demo_data import name_pools
    from usersync.db.sql import query

    first_names, last_names = name_pools()
    params = {
        "first_names": first_names,
        "last_names": last_names,
        "count": count,
        "seed": 0.25,
        # Every user tagged 'legacy-<batch>', so that exactly these can be removed.
        "kind": f"legacy-{batch}",
        "deleted_count": 0,
    }
    seconds, _ = timed(lambda: auth.execute(query("seed_auth_users"), params))
    return seconds


def _modes(round_: int) -> tuple[bool, bool]:
    """ABBA order: neither mode always goes first."""
    return (True, False) if round_ % 2 == 0 else (False, True)


def run(
    scratch: Scratch,
    data: Dataset,
    single_rounds: int,
    single_inserts: int,
    bulk_rounds: int,
    bulk_users: int,
) -> SignUpResult:
    conn = data.conn
    result = SignUpResult(single_inserts=single_inserts, bulk_users=bulk_users)
    made: list[uuid.UUID] = []
    with scratch.connect(user=AUTH_ROLE) as auth:
        for enabled in (True, False):
            with triggers(conn, enabled):
                _sign_ups(auth, WARM_UP, made)
        # Many short rounds: a sign-up costs well under a millisecond, so a few seconds
        # of someone else's load would otherwise decide the ratio.
        for round_ in range(single_rounds):
            for enabled in _modes(round_):
                with triggers(conn, enabled):
                    per_insert = _sign_ups(auth, single_inserts, made)
                (result.single_with if enabled else result.single_without).add(per_insert)
        conn.execute(bench_sql("delete_users"), {"ids": made})
        data.settle()
        for round_ in range(bulk_rounds):
            for enabled in _modes(round_):
                batch = f"bulk-{uuid.uuid4().hex[:12]}"
                with triggers(conn, enabled):
                    seconds = _bulk(auth, bulk_users, batch)
                (result.bulk_with if enabled else result.bulk_without).add(seconds)
                conn.execute(bench_sql("delete_tagged_users"), {"batch": batch})
                data.settle()
    return result
