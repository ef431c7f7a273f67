"""The backfill: the dry-run plan and the sync itself.

Set-based SQL in the database (usersync/sync/sql/), never a Python loop over users: batches
over ranges of auth.users' pages (usersync.sync.walk), one short transaction each, so
memory stays constant, locks are short, an interrupted run keeps what it committed and
a rerun finishes it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime

from django.utils import timezone

from usersync.conf import conf
from usersync.db.connection import atomic, connection
from usersync.db.errors import database_errors
from usersync.db.rows import build, fetch_all, fetch_one, fetch_value
from usersync.db.sql import query
from usersync.db.transactions import probe_per_user, read_only_snapshot, set_time_limit
from usersync.errors import LeaseLost
from usersync.models import UserProfile
from usersync.signals import deliver, profile_created, send_on_commit, sync_finished
from usersync.sync import counts, incremental
from usersync.sync.ban_drift import mend_bans
from usersync.sync.defaults import store_default_role
from usersync.sync.lease import Holder, lease_seconds, start_run
from usersync.sync.status import isoformat
from usersync.sync.walk import CATCH_UP_BATCHES, Rows, walk

FIRST_ID = uuid.UUID(int=0)
PLAN_SAMPLE_LIMIT = 20
PLAN_PAGE_SIZE = 1000
# A batch waits at most this long for a row lock (e.g. a staff edit) before failing:
# no sign-up or staff action is ever blocked for long by a sync.
BATCH_LOCK_TIMEOUT = "5s"


@dataclass(frozen=True)
class PlannedProfile:
    user_id: uuid.UUID
    email: str | None
    phone: str | None
    provider: str
    created_at: datetime | None
    sso_provider: str | None
    sso_user_id: str | None

    def as_dict(self) -> dict:
        return {
            "user_id": str(self.user_id),
            "email": self.email,
            "phone": self.phone,
            "provider": self.provider,
            "created_at": isoformat(self.created_at),
            "sso_provider": self.sso_provider,
            "sso_user_id": self.sso_user_id,
        }


@dataclass(frozen=True)
class SyncPlan:
    """A dry run: what a preserve-mode sync would do now. Nothing was written.
    by_provider (provider: profiles to create) only when asked for (detailed=True)."""

    would_create: int
    would_fill: int
    sample: list[PlannedProfile]
    by_provider: dict[str, int] | None = None

    def as_dict(self) -> dict:
        data = {
            "dry_run": True,
            "would_create": self.would_create,
            "would_fill": self.would_fill,
            "sample": [p.as_dict() for p in self.sample],
            "sample_truncated": self.would_create > len(self.sample),
        }
        if self.by_provider is not None:
            data["by_provider"] = self.by_provider
        return data


@dataclass(frozen=True)
class BatchResult:
    number: int
    scanned: int
    created: int
    filled: int
    reset: int
    rows: Rows
    # Profiles whose display fields (USERSYNC_DISPLAY_FIELDS) were written.
    displayed: int = 0
    # The batch's transaction (64-bit id) when it wrote profiles, else None.
    xid: int | None = None


@dataclass
class SyncResult:
    run_id: int
    preserve: bool
    batch_size: int
    started_at: datetime
    finished_at: datetime | None = None
    scanned: int = 0
    created: int = 0
    filled: int = 0
    reset: int = 0
    displayed: int = 0
    batches: list[BatchResult] = field(default_factory=list)
    resolved_trigger_failures: int = 0
    # Deactivated profiles whose Supabase Auth ban had been lifted by hand, banned again.
    bans_restored: int = 0
    # "incremental": fills probed only for users written since the watermark; "full":
    # every user checked, for `full_reason`.
    mode: str = "full"
    full_reason: str | None = None

    @property
    def duration_seconds(self) -> float:
        end = self.finished_at or timezone.now()
        return round((end - self.started_at).total_seconds(), 3)

    def as_dict(self) -> dict:
        return {
            "dry_run": False,
            "run_id": self.run_id,
            "preserve": self.preserve,
            "batch_size": self.batch_size,
            "batches": len(self.batches),
            "scanned": self.scanned,
            "created": self.created,
            "filled": self.filled,
            "reset": self.reset,
            "displayed": self.displayed,
            "resolved_trigger_failures": self.resolved_trigger_failures,
            "bans_restored": self.bans_restored,
            "mode": self.mode,
            "full_reason": self.full_reason,
            "started_at": isoformat(self.started_at),
            "finished_at": isoformat(self.finished_at),
            "duration_seconds": self.duration_seconds,
        }


def plan(sample_limit: int = PLAN_SAMPLE_LIMIT, detailed: bool = False) -> SyncPlan:
    """The dry run: exact counts of what a sync would create and fill, and a bounded
    sample of the users concerned; detailed=True adds the count per provider.
    Read-only: it writes nothing, not even a run record."""
    with database_errors(), read_only_snapshot(), connection().cursor() as cursor:
        cursor.execute(query("plan_sample"), {"after": FIRST_ID, "limit": sample_limit})
        sample = fetch_all(cursor, into=PlannedProfile)
        by_provider = None
        if detailed:
            cursor.execute(query("plan_providers"))
            by_provider = {row["provider"]: row["would_create"] for row in fetch_all(cursor)}
        cursor.execute(query("plan_counts"))
        return fetch_one(cursor, into=SyncPlan, sample=sample, by_provider=by_provider)


def planned_profiles(
    limit: int | None = None, page_size: int = PLAN_PAGE_SIZE
) -> Iterator[PlannedProfile]:
    """Every user a sync would give a profile (the first `limit` if given), by id, read
    in keyset pages of page_size (one short read-only transaction each), so that a list
    of a million stays in constant memory."""
    after, listed = FIRST_ID, 0
    while limit is None or listed < limit:
        size = page_size if limit is None else min(page_size, limit - listed)
        with database_errors(), read_only_snapshot(), connection().cursor() as cursor:
            cursor.execute(query("plan_sample"), {"after": after, "limit": size})
            page = fetch_all(cursor, into=PlannedProfile)
        yield from page
        listed += len(page)
        if len(page) < size:
            return
        after = page[-1].user_id


def _run_batch(number: int, run_id: int, rows: Rows, preserve: bool, actor: str) -> BatchResult:
    with atomic(), connection().cursor() as cursor:
        cursor.execute(f"SET LOCAL lock_timeout = '{BATCH_LOCK_TIMEOUT}'")
        set_time_limit(cursor)
        probe_per_user(cursor)
        reset = 0
        if not preserve:
            cursor.execute(query("reset_batch"), rows.params() | {"actor": actor, "run_id": run_id})
            reset = fetch_one(cursor)["reset"]
        cursor.execute(query("sync_batch"), rows.params())
        row = fetch_one(cursor)
        assert row is not None
        created_ids = row.pop("created_ids")
        batch = build(BatchResult, row, number=number, reset=reset, rows=rows)
        # Its own statement: it sees the profiles sync_batch made.
        cursor.execute(query("display_batch"), rows.params())
        batch = dataclasses.replace(batch, displayed=fetch_one(cursor)["displayed"])
        cursor.execute(
            query("run_progress"),
            {
                "run_id": run_id,
                "created": batch.created,
                "filled": batch.filled,
                "reset": batch.reset,
                "lease_seconds": lease_seconds(),
            },
        )
        if fetch_one(cursor) is None:
            raise LeaseLost(
                f"sync run {run_id} lost its lease (a batch took longer than "
                f"{lease_seconds()} s and another run took over); its last batch was undone"
            )
        if batch.created or batch.filled or batch.reset:
            cursor.execute(query("batch_xid"))
            batch = replace(batch, xid=fetch_value(cursor))
        for user_id in created_ids:
            send_on_commit(
                profile_created,
                UserProfile,
                user_id=user_id,
                actor=actor,
                actor_user_id=None,
                reason=f"made by sync run {run_id}",
            )
    return batch


def _finish(run_id: int, status_: str, error: str = "") -> datetime | None:
    with atomic(), connection().cursor() as cursor:
        cursor.execute(query("run_finish"), {"run_id": run_id, "status": status_, "error": error})
        return fetch_value(cursor)


def sync(
    *,
    preserve: bool = True,
    batch_size: int | None = None,
    progress: Callable[[BatchResult], None] | None = None,
    triggered_by: str = "usersync",
    wait: bool = False,
    on_wait: Callable[[Holder], None] | None = None,
    full: bool = False,
) -> SyncResult:
    """Create every missing profile and fill empty fields (and, with preserve=False,
    reset existing ones to the defaults, auditing their old values). Incremental when
    it may be (usersync.sync.incremental), every user checked with full=True. A dry
    run is plan()."""
    batch_size = batch_size or conf.SYNC_BATCH_SIZE
    store_default_role()
    with database_errors():
        run = start_run(
            preserve=preserve,
            batch_size=batch_size,
            triggered_by=triggered_by,
            wait=wait,
            on_wait=on_wait,
        )
        result = SyncResult(
            run_id=run.id, preserve=preserve, batch_size=batch_size, started_at=run.started_at
        )

        def run_batch(rows: Rows) -> int:
            batch = _run_batch(len(result.batches) + 1, run.id, rows, preserve, triggered_by)
            result.batches.append(batch)
            result.scanned += batch.scanned
            result.created += batch.created
            result.filled += batch.filled
            result.reset += batch.reset
            result.displayed += batch.displayed
            if progress:
                progress(batch)
            return batch.scanned

        try:
            state = incremental.watermark_state()
            reason = incremental.full_reason(state, full=full, preserve=preserve)
            if reason is None and not incremental.check_written_since(state, batch_size, run_batch):
                reason = (
                    f"more than {CATCH_UP_BATCHES * batch_size:,} users to check since the "
                    "watermark: a sweep is cheaper"
                )
            if reason is not None:
                walk(batch_size, preserve, run_batch)
            result.mode = "incremental" if reason is None else "full"
            result.full_reason = reason
            result.bans_restored = mend_bans(batch_size, triggered_by, run.id)
            with atomic(), connection().cursor() as cursor:
                cursor.execute(query("resolve_trigger_failures"))
                result.resolved_trigger_failures = cursor.rowcount
            incremental.record(
                run.id,
                state,
                full=reason is not None,
                sync_xids=[b.xid for b in result.batches if b.xid is not None],
            )
        except BaseException as error:
            status_ = "interrupted" if isinstance(error, KeyboardInterrupt) else "failed"
            message = (str(error).strip().splitlines() or [status_])[0][:500]
            # If the database is gone, the lease expires by itself.
            with contextlib.suppress(Exception):
                _finish(run.id, status_, message)
            # At once: there is nothing left to commit, and an enclosing transaction
            # that rolls back must not swallow the news of a failure.
            deliver(
                sync_finished,
                SyncResult,
                user_id=None,
                actor=triggered_by,
                actor_user_id=None,
                reason=message,
                result=result,
                succeeded=False,
                error=error,
            )
            raise
        result.finished_at = _finish(run.id, "succeeded")
    send_on_commit(
        sync_finished,
        SyncResult,
        user_id=None,
        actor=triggered_by,
        actor_user_id=None,
        reason=None,
        result=result,
        succeeded=True,
        error=None,
    )
    counts.refresh_after_change()
    return result
