"""The users a benchmark runs on: demo sign-ups made by usersync's own seed statement
(the demo's provider mix), half of them legacy users without a profile, loaded fast
(bench/loading.py), and the way back to that starting state between repeats."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from datetime import datetime

import django
import psycopg

from bench.loading import LoadResult, load, measure_sizes
from bench.scratch import Scratch, bench_sql

WITHOUT_PROFILES = 0.5
# Autovacuum would start at random moments inside the timed runs; the benchmark
# vacuums and analyses explicitly instead, at the same points before every run.
BENCH_TABLES = ("auth.users", "auth.identities", "public.user_profiles")


def setup_django(scratch: Scratch) -> None:
    """Django in this process, on the scratch database (for the seed and the naive way)."""
    os.environ.update(DATABASE_URL=scratch.url, ENABLE_DEVELOPMENT_MODE="true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
    django.setup()


def migrate(scratch: Scratch) -> float:
    return scratch.manage("migrate", "--no-input", "-v", "0").seconds


@dataclass
class Dataset:
    conn: psycopg.Connection
    # A checkpoint before each timed run, so that no run pays for another's dirty pages
    # (off in smoke runs: it flushes the whole server, which costs more than they do).
    checkpoint: bool = True
    users: int = 0
    loads: list[LoadResult] = field(default_factory=list)
    # Seconds of each restore, by the number of users.
    restores: dict[int, list[float]] = field(default_factory=dict)
    # The latest created_at of a loaded profile: every later one was made by a benchmark.
    loaded_until: datetime | None = None

    def grow(self, users: int) -> LoadResult:
        """Add `users` demo users, half of them without a profile; settle the tables."""
        for table in BENCH_TABLES:
            self.conn.execute(f"ALTER TABLE {table} SET (autovacuum_enabled = false)")
        result = load(self.conn, users, WITHOUT_PROFILES)
        self.users += users
        result.users = self.users
        started = time.perf_counter()
        self.settle()
        result.settle_seconds = time.perf_counter() - started
        result.seconds += result.settle_seconds
        measure_sizes(self.conn, result)
        self.loaded_until = self.conn.execute(bench_sql("loaded_until")).fetchone()[0]
        self.loads.append(result)
        return result

    def settle(self) -> None:
        """The same physical starting point for every timed run: dead rows vacuumed,
        fresh statistics, dirty pages written."""
        self.conn.execute("VACUUM (ANALYZE) " + ", ".join(BENCH_TABLES))
        if self.checkpoint:
            self.conn.execute("CHECKPOINT")

    def restore(self) -> int:
        """Delete the profiles a backfill made: the legacy users are without one again.
        Only the profiles changed: they are vacuumed (the heap's emptied tail cut off,
        so every run appends to the same table) and analysed; the auth tables keep the
        state and statistics `settle()` gave them after loading. Then a checkpoint."""
        started = time.perf_counter()
        deleted = self.conn.execute(
            bench_sql("restore_backfill"), {"loaded_until": self.loaded_until}
        ).rowcount
        self.conn.execute(bench_sql("vacuum_profiles"))
        if self.checkpoint:
            self.conn.execute("CHECKPOINT")
        self.restores.setdefault(self.users, []).append(time.perf_counter() - started)
        return deleted

    def counts(self) -> tuple[int, int, int]:
        """(auth users, profiles, users without a profile), counted directly."""
        return self.conn.execute(bench_sql("raw_status_counts")).fetchone()
