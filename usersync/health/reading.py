"""What the health checks read from the database: one row per URL in one round trip
(usersync.db.limited: the statement timeout travels with the query), and the counts
behind GET /health and /metrics.

A `Reading` is one such query's row, read once and shared by the checks of a URL: the
first check that needs it sends the query, within that check's time limit; the others
reuse its row, or its error.

The counts follow usersync.sync.counts: exact, counted in the request, while a count is
cheap; the stored count, kept fresh in the background, once it is expensive; and
always labelled (counted now, or the stored count and its age).
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Mapping
from typing import Any

from usersync import sync
from usersync.db.errors import database_errors
from usersync.db.limited import limited, read_row
from usersync.errors import UsersyncError
from usersync.sync import counts
from usersync.sync.counts import (
    count_and_store,
    count_now,
    refresh_in_background,
    wait_for_refresh,
)

__all__ = [
    "ProfileCounts",
    "Reading",
    "count_and_store",
    "count_now",
    "counts_of",
    "limited",
    "read_row",
    "refresh_in_background",
    "serve",
    "stored_status",
    "wait_for_refresh",
]


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


@dataclasses.dataclass(frozen=True)
class ProfileCounts:
    """What /health tells of the counts, and how fresh they are."""

    missing_profiles: int
    sync_percentage: float
    measured_at: datetime.datetime
    counted_now: bool  # counted in this request, else the stored count
    age_seconds: float  # how old the count is (0 when counted now)

    @property
    def label(self) -> str:
        return "counted now" if self.counted_now else "stored"


def counts_of(row: Mapping[str, Any], counted_now: bool, age_seconds: float = 0.0) -> ProfileCounts:
    """What /health tells of a status_counts.sql row (SyncStatus's percentage rule)."""
    status = sync.SyncStatus.from_rows(row)
    return ProfileCounts(
        status.missing_profiles,
        status.sync_percentage,
        status.measured_at,
        counted_now,
        0.0 if counted_now else round(float(age_seconds), 3),
    )


def serve(
    state: Mapping[str, Any], cache_seconds: int, seconds: float
) -> tuple[Mapping[str, Any], bool] | None:
    """The counts to answer with, for a public_state.sql row, and whether they were
    counted now; None while nothing is stored. Counted now (and stored once the stored
    copy is older than cache_seconds) while counting is cheap; else the stored count,
    counted again in the background once it is older than cache_seconds."""
    if state["measured_at"] is None:
        return None
    stale = state["counts_age_seconds"] >= cache_seconds
    if counts.is_cheap(state["counted_in_seconds"]):
        row = count_and_store(seconds) if stale else None
        return (row or count_now(seconds)), True
    if stale:
        refresh_in_background()
    return state, False


def stored_status(cache_seconds: int, seconds: float) -> sync.SyncStatus:
    """sync.status() with the counts /health serves (serve()): constant time at any
    size. Database errors become UsersyncError."""
    state = read_row("public_state", seconds)
    served = serve(state, cache_seconds, seconds)
    row = served[0] if served else (count_and_store(seconds) or count_now(seconds))
    with database_errors():
        return sync.SyncStatus.from_rows(row, state, sync.last_sync(), sync.running_sync())
