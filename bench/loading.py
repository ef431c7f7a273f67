"""Fast loading of the benchmark's users: usersync's own seed statement (the demo's
provider mix, as the auth service inserts users), run in chunks with every trigger
(foreign key checks included) off, the indexes built once after the load, and the
profiles the trigger would have made for the sign-up half created afterwards in one
statement. The same data as seeding with the trigger on, in a fraction of the time: at
ten million users the per-row trigger and index maintenance would take most of an hour.
Only auth.users' primary key stays during the load: the foreign keys rely on it."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

import psycopg
from psycopg import sql

from bench.scratch import bench_sql

# Users per statement: large enough to be set-based, small enough that one statement's
# intermediate result stays in memory.
CHUNK = 1_000_000
AUTH_TABLES = ("auth.users", "auth.identities")
PROFILES_TABLE = "public.user_profiles"
# Index builds only; the server's configuration is left alone.
INDEX_BUILD_MEMORY = "1GB"


@dataclass
class LoadResult:
    """One growth of the data set, and the data set's size after it (`users`: in all)."""

    added: int
    users: int
    without_profiles: int
    seconds: float
    insert_seconds: float
    index_seconds: float
    profile_seconds: float
    settle_seconds: float = 0.0
    database_bytes: int = 0
    users_bytes: int = 0
    profiles_bytes: int = 0

    def as_dict(self) -> dict:
        return vars(self).copy()


@dataclass(frozen=True)
class _Index:
    """An index, or the primary key or unique constraint that owns one."""

    schema: str
    table: str
    name: str
    constraint: str | None
    definition: str

    def drop(self) -> sql.Composed:
        table = sql.Identifier(self.schema, self.table)
        if self.constraint:
            return sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(
                table, sql.Identifier(self.constraint)
            )
        return sql.SQL("DROP INDEX {}").format(sql.Identifier(self.schema, self.name))

    def build(self) -> sql.Composable:
        if self.constraint:
            return sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {}").format(
                sql.Identifier(self.schema, self.table),
                sql.Identifier(self.constraint),
                sql.SQL(self.definition),
            )
        return sql.SQL(self.definition)


def _indexes(conn: psycopg.Connection, tables: tuple[str, ...]) -> list[_Index]:
    rows = conn.execute(bench_sql("load_indexes"), {"tables": list(tables)}).fetchall()
    return [_Index(*row) for row in rows]


def _drop(conn: psycopg.Connection, indexes: list[_Index]) -> None:
    for index in indexes:
        conn.execute(index.drop())


def _build(conn: psycopg.Connection, indexes: list[_Index]) -> None:
    conn.execute(sql.SQL("SET maintenance_work_mem = {}").format(sql.Literal(INDEX_BUILD_MEMORY)))
    try:
        for index in indexes:
            conn.execute(index.build())
    finally:
        conn.execute("RESET maintenance_work_mem")


def _seed_chunk(conn: psycopg.Connection, kind: str, count: int) -> None:
    """One statement of usersync's seed, as the auth service inserts, with triggers and
    foreign key checks off (superuser only: the scratch database is the benchmark's)."""
    from usersync.contrib.supabase_local import demo_data
    from usersync.db.sql import query

    first_names, last_names = demo_data.name_pools()
    with conn.transaction():
        conn.execute("SET LOCAL session_replication_role = replica")
        conn.execute("SET LOCAL ROLE supabase_auth_admin")
        conn.execute("SET LOCAL search_path = auth")
        conn.execute(
            query("seed_auth_users"),
            {
                "count": count,
                "seed": random.uniform(-1, 1),
                "deleted_count": 0,
                "kind": kind,
                "first_names": first_names,
                "last_names": last_names,
            },
        )


def _chunks(total: int) -> list[int]:
    return [min(CHUNK, total - start) for start in range(0, total, CHUNK)]


def load(conn: psycopg.Connection, users: int, without_profiles: float) -> LoadResult:
    """Add `users` demo users, a `without_profiles` share of them legacy users (no
    profile), the others sign-ups with the profile the trigger would have made."""
    from usersync.db.sql import query

    started = time.perf_counter()
    legacy = round(users * without_profiles)
    auth_indexes = _indexes(conn, AUTH_TABLES)
    profile_indexes = _indexes(conn, (PROFILES_TABLE,))
    _drop(conn, auth_indexes + profile_indexes)
    conn.execute(query("seed_demo_numbers"))
    # As the seed does: the legacy users first, then the sign-ups.
    for kind, count in (("legacy", legacy), ("signup", users - legacy)):
        for chunk in _chunks(count):
            _seed_chunk(conn, kind, chunk)
    inserted = time.perf_counter()
    _build(conn, auth_indexes)
    # Statistics of the new users, so that the profiles' statement is planned for them.
    conn.execute(bench_sql("analyze_auth"))
    indexed = time.perf_counter()
    with conn.transaction():
        conn.execute("SET LOCAL session_replication_role = replica")
        conn.execute(bench_sql("signup_profiles"))
    _build(conn, profile_indexes)
    profiled = time.perf_counter()
    return LoadResult(
        added=users,
        users=users,
        without_profiles=legacy,
        seconds=profiled - started,
        insert_seconds=inserted - started,
        index_seconds=indexed - inserted,
        profile_seconds=profiled - indexed,
    )


def measure_sizes(conn: psycopg.Connection, result: LoadResult) -> None:
    row = conn.execute(bench_sql("dataset_sizes")).fetchone()
    result.database_bytes, result.users_bytes, result.profiles_bytes = row
