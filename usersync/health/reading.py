"""What the health checks read from the database: one row per URL in one round trip,
and the stored count behind GET /health.

One round trip per health query: the statement timeout travels with the query.

`SET LOCAL statement_timeout = …; <query>` goes to the server as one simple-protocol
string, which PostgreSQL runs as one implicit transaction: the limit holds for the query
and ends with it, with no BEGIN, no reading of the previous value and no restore. Inside
a caller's transaction (ATOMIC_REQUESTS, tests) the query runs in a savepoint that is
rolled back afterwards, which restores the caller's statement_timeout.

A `Reading` is one such query's row, read once and shared by the checks of a URL: the
first check that needs it sends the query, within that check's time limit; the others
reuse its row, or its error.

The count behind GET /health's profiles check is kept in usersync.status_counts.
An exact count reads every user and every profile: about 0.6 s at a million users and
6 s at ten million, longer than a health request may take. So /health reports the
stored count, with when it was measured, and when that is older than
USERSYNC_STATUS_CACHE_SECONDS (and than ten times the last count took) a background
thread of the process counts again. One process counts at a time
(status_counts_claim.sql); the others keep answering from the stored row meanwhile.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
import threading
import time
from collections.abc import Mapping
from typing import Any

from django.db import connections, transaction

from usersync import sync
from usersync.db.connection import alias, atomic, connection
from usersync.db.errors import database_errors
from usersync.db.rows import fetch_one, fetch_value
from usersync.db.sql import query
from usersync.db.transactions import with_time_limit
from usersync.errors import UsersyncError


def limited(name: str, seconds: float | None) -> str:
    """The query file <name>.sql behind the time limit, as one string (no parameters, so
    psycopg sends it as a simple query whatever the binding)."""
    return with_time_limit(query(name), seconds)


def read_row(name: str, seconds: float | None) -> dict[str, Any] | None:
    """The row of the query file <name>.sql, read within `seconds` in one round trip
    (outside a transaction). Database errors become UsersyncError."""
    statement = limited(name, seconds)
    with database_errors():
        if connection().get_autocommit():
            return _execute(statement)
        with transaction.atomic(using=alias()):
            try:
                return _execute(statement)
            finally:
                # Rolled back even after success: that undoes the SET LOCAL.
                transaction.set_rollback(True, using=alias())


def _execute(statement: str) -> dict[str, Any] | None:
    with connection().cursor() as cursor:
        cursor.execute(statement)
        while cursor.description is None and cursor.nextset():
            pass  # past the SET's result to the query's
        return fetch_one(cursor)


@dataclasses.dataclass
class Reading:
    """The row of the query file <name>.sql for several checks run one after another in
    one thread: read once, on first use."""

    name: str
    _row: dict[str, Any] | None = dataclasses.field(default=None, init=False, repr=False)
    _error: UsersyncError | None = dataclasses.field(default=None, init=False, repr=False)
    _read: bool = dataclasses.field(default=False, init=False, repr=False)

    def row(self, seconds: float | None) -> dict[str, Any]:
        """The row (read now within `seconds` if not read yet); raises the error of the
        read to every check that asks."""
        if not self._read:
            self._read = True
            try:
                self._row = read_row(self.name, seconds)
            except UsersyncError as error:
                self._error = error
        if self._error is not None:
            raise self._error
        assert self._row is not None, f"{self.name}.sql returned no row"
        return self._row


logger = logging.getLogger(__name__)

# A count in the background keeps no request waiting; this only stops a runaway one.
BACKGROUND_TIME_LIMIT_SECONDS = 300.0
# The next count waits at least this many times as long as the last one took, so that
# counting takes at most a tenth of the database's time whatever the cache time (at ten
# million users a count takes seconds).
RECOUNT_AFTER_COUNTS = 10

_refreshing = threading.Lock()
_thread: threading.Thread | None = None


@dataclasses.dataclass(frozen=True)
class ProfileCounts:
    """What /health tells of the counts."""

    missing_profiles: int
    sync_percentage: float
    measured_at: datetime.datetime


def counts_of(counts: Mapping[str, Any]) -> ProfileCounts:
    """What /health tells of a status_counts.sql row (SyncStatus's percentage rule)."""
    status = sync.SyncStatus.from_rows(counts)
    return ProfileCounts(status.missing_profiles, status.sync_percentage, status.measured_at)


def count_now(seconds: float) -> dict[str, Any]:
    """The status_counts.sql row, counted now within `seconds` in one round trip; not
    stored."""
    return read_row("status_counts", seconds)


def count_and_store(seconds: float) -> dict[str, Any] | None:
    """The status_counts.sql row, counted now within `seconds` and stored for every
    process; None when another process is counting. Database errors become
    UsersyncError."""
    with database_errors(), atomic(), connection().cursor() as cursor:
        cursor.execute(query("status_counts_claim"))
        if not fetch_value(cursor):
            return None
        started = time.monotonic()
        row = read_row("status_counts", seconds)
        cursor.execute(
            query("status_counts_store"), row | {"counted_in_seconds": time.monotonic() - started}
        )
    return row


def current_counts(state: Mapping[str, Any], cache_seconds: int) -> Mapping[str, Any] | None:
    """The stored counts of a public_state.sql row (None while nothing is stored),
    counted again in the background once they are older than cache_seconds and than
    RECOUNT_AFTER_COUNTS times the time they took."""
    if state["measured_at"] is None:
        return None
    wait = max(cache_seconds, RECOUNT_AFTER_COUNTS * state["counted_in_seconds"])
    if state["counts_age_seconds"] >= wait:
        refresh_in_background()
    return state


def stored_status(cache_seconds: int, seconds: float) -> sync.SyncStatus:
    """sync.status() with the stored counts (counted now, within `seconds`, only while
    none is stored): constant time at any size. Database errors become UsersyncError."""
    state = read_row("public_state", seconds)
    counts = current_counts(state, cache_seconds)
    if counts is None:
        counts = count_and_store(seconds) or count_now(seconds)
    with database_errors():
        return sync.SyncStatus.from_rows(counts, state, sync.last_sync(), sync.running_sync())


def refresh_in_background() -> None:
    """Count again in a thread of this process, unless one is counting already."""
    global _thread
    if not _refreshing.acquire(blocking=False):
        return
    try:
        _thread = threading.Thread(target=_refresh, name="usersync-status-count", daemon=True)
        _thread.start()
    except BaseException:
        _refreshing.release()
        raise


def _refresh() -> None:
    try:
        count_and_store(BACKGROUND_TIME_LIMIT_SECONDS)
    except UsersyncError as error:
        logger.warning("usersync could not count users and profiles for /health: %s", error)
    finally:
        connections.close_all()  # this thread's own connections only
        _refreshing.release()


def wait_for_refresh(timeout: float | None = None) -> None:
    """Until the background count (if one was started) has ended."""
    if _thread is not None:
        _thread.join(timeout)
