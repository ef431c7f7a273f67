"""The stored count of users and profiles (usersync.status_counts), which GET /health
and /metrics read: exact when counting is cheap, stale only when it is expensive, and
always labelled with its age.

An exact count reads every user and every profile: a few milliseconds at thousands of
users, about 0.6 s at a million and 6 s at ten million. While the last count took under
CHEAP_COUNT_SECONDS (about 100k users on the benchmark machine of docs/benchmarks.md),
a health request counts itself. Above that it serves the stored count, and a
background thread of the process keeps it fresh: it counts again every
USERSYNC_STATUS_CACHE_SECONDS, so the stored count is never older than that plus one
count's own duration, however often /health is polled. One process counts at a time
(status_counts_claim.sql); the others keep answering from the stored row meanwhile.

A sync, create_profile and a staff action change the figures: when their transaction
commits, refresh_after_change() counts again (inline when cheap, else in the
background), so the next answer does not wait for the cache time.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.db import connections, transaction

from usersync.conf import conf
from usersync.db.connection import alias, atomic, connection
from usersync.db.errors import database_errors
from usersync.db.limited import read_row
from usersync.db.rows import fetch_one, fetch_value
from usersync.db.sql import query
from usersync.errors import UsersyncError

logger = logging.getLogger(__name__)

# A count that takes less than this is counted in the request that needs it.
CHEAP_COUNT_SECONDS = 0.05
# A count in the background keeps no request waiting; this only stops a runaway one.
BACKGROUND_TIME_LIMIT_SECONDS = 300.0

_refreshing = threading.Lock()
_thread: threading.Thread | None = None
_timer: threading.Timer | None = None


def is_cheap(counted_in_seconds: float | None) -> bool:
    """Whether a count that took `counted_in_seconds` may be made in a request."""
    return counted_in_seconds is not None and counted_in_seconds < CHEAP_COUNT_SECONDS


def count_now(seconds: float) -> dict[str, Any]:
    """The status_counts.sql row, counted now within `seconds` in one round trip; not
    stored."""
    row = read_row("status_counts", seconds)
    assert row is not None, "status_counts.sql returned no row"
    return row


def count_and_store(seconds: float) -> dict[str, Any] | None:
    """The status_counts.sql row, counted now within `seconds` and stored for every
    process (with how long the count took); None when another process is counting.
    Database errors become UsersyncError."""
    with database_errors(), atomic(), connection().cursor() as cursor:
        cursor.execute(query("status_counts_claim"))
        if not fetch_value(cursor):
            return None
        started = time.monotonic()
        row = count_now(seconds)
        row["counted_in_seconds"] = time.monotonic() - started
        cursor.execute(query("status_counts_store"), row)
    return row


def stored_duration() -> float | None:
    """How long the stored count took (None while nothing is stored)."""
    with database_errors(), connection().cursor() as cursor:
        cursor.execute("SELECT counted_in_seconds FROM usersync.status_counts")
        row = fetch_one(cursor)
    return row["counted_in_seconds"] if row else None


def refresh_after_change() -> None:
    """Count again once the caller's transaction commits (at once outside one): a sync,
    create_profile or a staff action changed the figures the stored count holds."""
    transaction.on_commit(_refresh_after_change, using=alias())


def _refresh_after_change() -> None:
    try:
        took = stored_duration()
        if took is None:
            return  # nothing stored: the first /health request counts
        if is_cheap(took):
            count_and_store(conf.HEALTH_TIME_LIMIT_SECONDS)
        else:
            refresh_in_background()
    except UsersyncError as error:
        logger.warning("usersync could not count users and profiles again: %s", error)


def refresh_in_background() -> None:
    """Count again in a thread of this process, unless one is counting already; while
    counting stays expensive, the thread schedules the next count."""
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
    took: float | None = None
    try:
        row = count_and_store(BACKGROUND_TIME_LIMIT_SECONDS)
        took = row["counted_in_seconds"] if row else None
    except UsersyncError as error:
        logger.warning("usersync could not count users and profiles for /health: %s", error)
    finally:
        connections.close_all()  # this thread's own connections only
        _refreshing.release()
    if took is not None and not is_cheap(took):
        _schedule(max(conf.STATUS_CACHE_SECONDS - took, 0.0))


def _schedule(delay: float) -> None:
    """The next background count in `delay` seconds: counted every cache time from the
    start of the last, a stored count is never older than the cache time plus a count."""
    global _timer
    if _timer is not None:
        _timer.cancel()
    _timer = threading.Timer(delay, refresh_in_background)
    _timer.daemon = True
    _timer.name = "usersync-status-count-timer"
    _timer.start()


def wait_for_refresh(timeout: float | None = None) -> None:
    """Until the background count (if one was started) has ended."""
    if _thread is not None:
        _thread.join(timeout)


def stop_refreshing() -> None:
    """Cancel the next scheduled background count (tests, shutdown)."""
    global _timer
    if _timer is not None:
        _timer.cancel()
        _timer = None
