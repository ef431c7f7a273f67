"""The incremental sync: the nightly sync with nothing to do costs one anti-join.

A sync that completes records its watermark (usersync.sync_watermark): the oldest
transaction its snapshot could not see when it began. Every row version older than
that was visible to it, so it checked it. The next sync then creates the missing
profiles found by one anti-join over all users, and probes for fields to fill only the
users whose auth row, profile or identity a transaction from the watermark on wrote
(xmin). Drift needs a write to one of those three tables, so nothing else can need a
fill.

A full check instead (`reason` says why): asked for (`--full`), a reset, no watermark,
the last full check older than USERSYNC_FULL_SYNC_AFTER_SECONDS, the watermark so many
transactions back that 32-bit xid comparisons could wrap, a table rewritten (another
relfilenode: VACUUM FULL, CLUSTER, TRUNCATE), other profile rules (their version, the
comment on usersync.profile_sync), or more users to check than a sweep costs.

Profiles written by the watermark sync's own batches (their transaction ids are kept
with the watermark) are not probed again for their xmin alone: they were in step when
written. One narrow case is left to the next full check: a change to a profile that
committed between a batch's read and its own write of that same profile (the batch
keeps the changed field group, as fill_profiles does, but its write hides the change's
xmin). Drift that needs no write at all (e.g. a ban that ends by the clock) is not
found by xmin either: rules that depend on time need a full check or a condition of
their own here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from usersync.conf import conf
from usersync.db.connection import atomic, connection
from usersync.db.rows import fetch_all, fetch_one
from usersync.db.sql import query
from usersync.sync.walk import CATCH_UP_BATCHES, Rows, walk_state

# Comparisons of 32-bit xids (age()) hold while the two are less than 2^31 apart; a
# watermark this many transactions back is checked in full instead.
WRAPAROUND_MARGIN = 2**30
XID_MODULUS = 2**32


@dataclass(frozen=True)
class WatermarkState:
    """Now, and the stored watermark (since_*, None without one)."""

    snapshot_xmin: int
    now: datetime
    users_filenode: int
    identities_filenode: int
    profiles_filenode: int
    rules_version: str
    estimated_missing: int | None
    since_xmin: int | None
    since_recorded_at: datetime | None
    since_full_check_at: datetime | None
    since_users_filenode: int | None
    since_identities_filenode: int | None
    since_profiles_filenode: int | None
    since_rules_version: str | None
    # JSON text (a list of xids as strings), as Django's connection returns jsonb.
    since_sync_xids: str | list[str] | None

    @property
    def sync_xids(self) -> list[str]:
        """The watermark sync's own batch transactions (32-bit xids)."""
        xids = self.since_sync_xids
        return json.loads(xids) if isinstance(xids, str) else list(xids or [])

    @property
    def since_xid(self) -> str:
        """The watermark as the 32-bit xid that rows' xmin are compared with."""
        assert self.since_xmin is not None
        return str(self.since_xmin % XID_MODULUS)


def watermark_state() -> WatermarkState:
    with connection().cursor() as cursor:
        cursor.execute(query("watermark_state"))
        return fetch_one(cursor, into=WatermarkState)


def full_reason(state: WatermarkState, *, full: bool, preserve: bool) -> str | None:
    """Why this sync must check every user, or None: it may be incremental."""
    if full:
        return "asked for (--full)"
    if not preserve:
        return "a reset checks every profile"
    if state.since_xmin is None or state.since_full_check_at is None:
        return "no watermark: no sync has completed since usersync 0020"
    limit = timedelta(seconds=conf.FULL_SYNC_AFTER_SECONDS)
    if conf.FULL_SYNC_AFTER_SECONDS == 0 or state.now - state.since_full_check_at > limit:
        began = state.since_full_check_at.isoformat(timespec="seconds")
        return (
            f"the last full check began at {began}, more than "
            f"USERSYNC_FULL_SYNC_AFTER_SECONDS ({conf.FULL_SYNC_AFTER_SECONDS:,} s) ago"
        )
    if state.snapshot_xmin - state.since_xmin > WRAPAROUND_MARGIN:
        return (
            f"the watermark is {state.snapshot_xmin - state.since_xmin:,} transactions back "
            f"(more than {WRAPAROUND_MARGIN:,}: xid comparisons could wrap around)"
        )
    if state.snapshot_xmin < state.since_xmin:
        return "the watermark is ahead of the database (restored from a backup?)"
    for table, now, then in (
        ("auth.users", state.users_filenode, state.since_users_filenode),
        ("auth.identities", state.identities_filenode, state.since_identities_filenode),
        ("public.user_profiles", state.profiles_filenode, state.since_profiles_filenode),
    ):
        if now != then:
            return f"{table} was rewritten since the watermark (another relfilenode)"
    if state.rules_version != state.since_rules_version:
        return (
            f"the profile rules changed since the watermark ({state.since_rules_version!r} "
            f"then, {state.rules_version!r} now)"
        )
    return None


def candidates(since_xid: str, sync_xids: list[str], limit: int) -> list[str]:
    """The places (ctids) of the auth users who may need work: see the module doc."""
    with connection().cursor() as cursor:
        cursor.execute(
            query("incremental_candidates"),
            {"since": since_xid, "sync_xids": sync_xids, "limit": limit},
        )
        return [row["ctid"] for row in fetch_all(cursor)]


def check_written_since(
    state: WatermarkState, batch_size: int, run_batch: Callable[[Rows], int]
) -> bool:
    """Give run_batch the users who may need work (batches by exact place); False,
    having done nothing, when there are more than a sweep's catch-up would take (a
    sweep is then cheaper). When the statistics already count more users without a
    profile than that, without listing them (a first backfill of a legacy project)."""
    limit = CATCH_UP_BATCHES * batch_size
    if state.estimated_missing is not None and state.estimated_missing > limit:
        return False
    places = candidates(state.since_xid, state.sync_xids, limit + 1)
    if len(places) > limit:
        return False
    pages = walk_state().pages
    for at in range(0, len(places), batch_size):
        run_batch(Rows.at(places[at : at + batch_size], pages))
    return True


def record(run_id: int, state: WatermarkState, *, full: bool, sync_xids: list[int]) -> None:
    """The watermark of a completed sync that began at `state` (a full one, or an
    incremental one that keeps the last full check's time); sync_xids: the 64-bit ids
    of its batches that wrote profiles."""
    full_check_at = state.now if full else state.since_full_check_at
    with atomic(), connection().cursor() as cursor:
        cursor.execute(
            query("watermark_record"),
            {
                "run_id": run_id,
                "snapshot_xmin": state.snapshot_xmin,
                "recorded_at": state.now,
                "full_check_at": full_check_at,
                "users_filenode": state.users_filenode,
                "identities_filenode": state.identities_filenode,
                "profiles_filenode": state.profiles_filenode,
                "rules_version": state.rules_version,
                "sync_xids": json.dumps(sorted({str(xid % XID_MODULUS) for xid in sync_xids})),
            },
        )
