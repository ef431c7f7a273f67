"""The users a benchmark runs on: demo sign-ups made by usersync's own set-based seed
(usersync.contrib.supabase_local.demo_data, the demo's provider mix), half of them
legacy users without a profile, and the way back to that starting state between repeats."""

from __future__ import annotations

import os
from dataclasses import dataclass

import django
import psycopg

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

    def grow(self, users: int) -> int:
        """Add `users` demo sign-ups in one set-based statement; returns how many of
        them have no profile."""
        from usersync.contrib.supabase_local import demo_data

        result = demo_data.seed(users, without_profiles=WITHOUT_PROFILES)
        for table in BENCH_TABLES:
            self.conn.execute(f"ALTER TABLE {table} SET (autovacuum_enabled = false)")
        self.settle()
        return result.without_profiles

    def settle(self) -> None:
        """The same physical starting point for every timed run: dead rows vacuumed,
        fresh statistics, dirty pages written."""
        self.conn.execute("VACUUM (ANALYZE) " + ", ".join(BENCH_TABLES))
        if self.checkpoint:
            self.conn.execute("CHECKPOINT")

    def restore(self) -> int:
        """Delete the profiles a backfill made: the legacy users are without one again."""
        deleted = self.conn.execute(bench_sql("restore_backfill")).rowcount
        self.settle()
        return deleted

    def counts(self) -> tuple[int, int, int]:
        """(auth users, profiles, users without a profile), counted directly."""
        return self.conn.execute(bench_sql("raw_status_counts")).fetchone()
