"""The transactions usersync's statements run in, and the one way a statement gets its
time limit: `SET LOCAL statement_timeout`, which lasts until the transaction ends.

- read_only_snapshot(): one read-only snapshot, so several counts agree;
- set_time_limit(cursor, seconds): the limit for the rest of the caller's transaction;
- with_time_limit(statement, seconds): the limit and the statement as one string, for a
  single round trip outside any transaction (PostgreSQL runs a string of several
  statements as one implicit transaction);
- probe_per_user(cursor): the rest of the transaction joins by index probes, for a
  batch of a few thousand users that must not scan a table of millions.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from usersync.conf import conf
from usersync.db.connection import atomic, connection
from usersync.db.rows import fetch_value

# Sent in front of a statement, in the same string. {milliseconds}: a whole number.
TIME_LIMIT_PREFIX = "SET LOCAL statement_timeout = {milliseconds};\n"


def milliseconds(seconds: float) -> int:
    return max(1, int(seconds * 1000))


def set_time_limit(cursor, seconds: float | None = None) -> str:
    """Cancel the transaction's later statements after `seconds` (conf.STATEMENT_TIMEOUT
    when None); returns the limit that was in force before, to restore with
    restore_time_limit() inside a caller's longer transaction."""
    cursor.execute("SELECT current_setting('statement_timeout')")
    previous = fetch_value(cursor)
    limit = conf.STATEMENT_TIMEOUT if seconds is None else seconds
    cursor.execute("SELECT set_config('statement_timeout', %s, true)", [f"{milliseconds(limit)}ms"])
    return previous


def restore_time_limit(cursor, previous: str) -> None:
    cursor.execute("SELECT set_config('statement_timeout', %s, true)", [previous])


def with_time_limit(statement: str, seconds: float | None) -> str:
    """`statement` behind a time limit, as one string (none when `seconds` is falsy)."""
    if not seconds:
        return statement
    return TIME_LIMIT_PREFIX.format(milliseconds=milliseconds(seconds)) + statement


def probe_per_user(cursor) -> None:
    """Join by index probes for the rest of the transaction. A sync batch reads a few
    thousand users: left to its estimates, the planner may hash-join a scan of every
    profile instead, which at millions of profiles costs a hundred times as much."""
    cursor.execute("SET LOCAL enable_hashjoin = off")
    cursor.execute("SET LOCAL enable_mergejoin = off")


@contextlib.contextmanager
def read_only_snapshot() -> Iterator[None]:
    """One read-only snapshot, so that several counts agree with each other (inside a
    caller's transaction, that transaction's snapshot rules). A locked or overloaded
    database answers with an error in time, never a hang."""
    outer = connection().in_atomic_block
    with atomic(), connection().cursor() as cursor:
        if not outer:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            set_time_limit(cursor)
        yield
