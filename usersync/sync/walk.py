"""The backfill's walk over auth.users: in physical order, a range of whole heap pages
per batch, then a catch-up on the rows written since the walk began.

Why physical order: user ids are random UUIDs, so batches in id order visit the heap
at random and, once it outgrows shared_buffers, read most pages from disk again for
every batch; ranges of pages read each page once, as one sequential scan would.

Why the catch-up: an update may write a user's row to a page the walk has passed. Any
row written after the walk began comes from a transaction no older than the oldest one
running when it began (that snapshot's xmin, `oldest_xid`). The catch-up asks for
those rows that still need work, in one statement (one snapshot sees every row once),
and gives them to batches by their exact places; rows written meanwhile are the next
round's, until a round finds no row version it has not given to a batch already. A
rewrite of the table (VACUUM FULL, CLUSTER) moves every row without a new xmin: the
walk then starts over on the new file, as it does when more rows need catching up
than a sweep costs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from usersync.db.connection import connection
from usersync.db.rows import fetch_all, fetch_one
from usersync.db.sql import query
from usersync.errors import UsersyncError

# The first range assumes the pages are at least this dense (an auth.users row takes
# 250 bytes or more, so a page holds at most about 32): statistics may be missing or
# stale, and a table that was sparse when last analysed must not make the first batch
# far larger than batch_size. Later ranges follow the rows the batches found.
DENSEST_ROWS_PER_PAGE = 32.0
# More rows than this many batches' worth to catch up: another sweep is cheaper.
CATCH_UP_BATCHES = 10
MAX_SWEEPS = 3
MAX_CATCH_UP_ROUNDS = 10


class AuthUsersKeptChanging(UsersyncError):
    exit_code = 1


@dataclass(frozen=True)
class WalkState:
    pages: int
    filenode: int
    rows_per_page: float | None
    oldest_xid: str


@dataclass(frozen=True)
class Rows:
    """The rows one batch takes: all rows from `first` to before `stop` (tids), or
    (catching up) only those at `ctids`. first_page/stop_page/pages for progress."""

    first: str
    stop: str
    ctids: list[str] | None
    first_page: int
    stop_page: int
    pages: int

    @classmethod
    def in_pages(cls, first_page: int, stop_page: int, pages: int) -> Rows:
        return cls(f"({first_page},0)", f"({stop_page},0)", None, first_page, stop_page, pages)

    @classmethod
    def at(cls, ctids: Sequence[str], pages: int) -> Rows:
        places = sorted(_tid(ctid) for ctid in ctids)
        (first_page, first_offset), (last_page, last_offset) = places[0], places[-1]
        return cls(
            f"({first_page},{first_offset})",
            f"({last_page},{last_offset + 1})",
            list(ctids),
            first_page,
            last_page + 1,
            pages,
        )

    @property
    def catch_up(self) -> bool:
        return self.ctids is not None

    def params(self) -> dict:
        return {"first": self.first, "stop": self.stop, "ctids": self.ctids}


def _tid(text: str) -> tuple[int, int]:
    page, offset = text.strip("()").split(",")
    return int(page), int(offset)


def walk_state() -> WalkState:
    with connection().cursor() as cursor:
        cursor.execute(query("sync_walk_state"))
        return fetch_one(cursor, into=WalkState)


def written_since(since: str, preserve: bool, limit: int) -> list[tuple[str, str]]:
    """The rows written from transaction `since` on that need work, in physical order,
    at most `limit`: each as (ctid, xmin), its place and the version it is."""
    with connection().cursor() as cursor:
        cursor.execute(
            query("sync_written_since"), {"since": since, "preserve": preserve, "limit": limit}
        )
        return [(row["ctid"], row["xmin"]) for row in fetch_all(cursor)]


def sweep(state: WalkState, batch_size: int, run_batch: Callable[[Rows], int]) -> None:
    """Every page the heap had at `state`, in ranges of about batch_size rows: the
    rows per page each batch found size the next range (at most twice the last one,
    so a dense stretch after an empty one cannot make a long transaction)."""
    rows_per_page = max(state.rows_per_page or 0.0, DENSEST_ROWS_PER_PAGE)
    first, span = 0, None
    while first < state.pages:
        wanted = max(1, round(batch_size / rows_per_page))
        span = wanted if span is None else min(wanted, 2 * span)
        stop = min(first + span, state.pages)
        scanned = run_batch(Rows.in_pages(first, stop, state.pages))
        if scanned:
            rows_per_page = scanned / (stop - first)
        first = stop


def walk(batch_size: int, preserve: bool, run_batch: Callable[[Rows], int]) -> None:
    """Give every auth user's row to run_batch (which returns the rows it scanned):
    a sweep, then catch-up rounds until none finds a row written meanwhile."""
    limit = CATCH_UP_BATCHES * batch_size
    for _ in range(MAX_SWEEPS):
        start = walk_state()
        sweep(start, batch_size, run_batch)
        since, given = start.oldest_xid, set()
        for _ in range(MAX_CATCH_UP_ROUNDS):
            now = walk_state()
            if now.filenode != start.filenode:
                break
            versions = written_since(since, preserve, limit + 1)
            if len(versions) > limit:
                break
            places = [ctid for ctid, xmin in versions if (ctid, xmin) not in given]
            if not places:
                return
            for at in range(0, len(places), batch_size):
                run_batch(Rows.at(places[at : at + batch_size], now.pages))
            since, given = now.oldest_xid, set(versions)
        else:
            break
    raise AuthUsersKeptChanging(
        f"auth.users kept changing faster than the sync could catch up (more than "
        f"{limit:,} rows needing work were written while it ran, or since the oldest open "
        "transaction began); what it did is kept: run sync_users again when it is quieter"
    )
