"""The count behind GET /health's profiles check, kept in usersync.status_counts.

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

from django.db import connections

from usersync import sync
from usersync.db.connection import atomic, connection
from usersync.db.errors import database_errors
from usersync.db.rows import fetch_value
from usersync.db.sql import query
from usersync.errors import UsersyncError
from usersync.health.reading import read_row

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


def status_of(
    counts: Mapping[str, Any],
    trigger: Mapping[str, Any] | None = None,
    last_sync: sync.LastSync | None = None,
    running_sync: sync.RunningSync | None = None,
) -> sync.SyncStatus:
    """A SyncStatus of a status_counts.sql row (or the stored copy of one) and the
    trigger state of a trigger_state.sql or public_state.sql row."""
    trigger = trigger or {"trigger_installed": True, "trigger_enabled": True}
    return sync.SyncStatus(
        total_auth_users=counts["total_auth_users"],
        total_profiles=counts["total_profiles"],
        missing_profiles=counts["missing_profiles"],
        orphan_profiles=counts["orphan_profiles"],
        soft_deleted_users=counts["soft_deleted_users"],
        anonymous_users=counts["anonymous_users"],
        profiles_of_eligible_users=counts["profiles_of_eligible_users"],
        profiles_of_soft_deleted_users=counts["profiles_of_soft_deleted_users"],
        measured_at=counts["measured_at"],
        trigger_installed=trigger["trigger_installed"],
        trigger_enabled=trigger["trigger_enabled"],
        trigger_failures=trigger.get("trigger_failures", 0),
        last_sync=last_sync,
        running_sync=running_sync,
    )


def counts_of(counts: Mapping[str, Any]) -> ProfileCounts:
    """What /health tells of a status_counts.sql row (SyncStatus's percentage rule)."""
    status = status_of(counts)
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
        return status_of(counts, state, sync.last_sync(), sync.running_sync())


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
