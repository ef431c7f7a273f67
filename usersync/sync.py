"""The sync engine: how far auth.users and user_profiles are in step, and the backfill.

Set-based SQL in the database (usersync/sql/), never a Python loop over users: keyset
batches over auth.users.id, one short transaction each, so memory stays constant,
locks are short, an interrupted run keeps what it committed and a rerun finishes it.
The admin, the API, the commands and the health checks all call these functions.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from usersync.errors import LeaseLost, database_errors
from usersync.lease import Holder, lease_seconds, start_run
from usersync.sql_files import query

FIRST_ID = uuid.UUID(int=0)
PLAN_SAMPLE_LIMIT = 20
# A batch waits at most this long for a row lock (e.g. a staff edit) before failing:
# no sign-up or staff action is ever blocked for long by a sync.
BATCH_LOCK_TIMEOUT = "5s"


def _isoformat(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


@dataclass(frozen=True)
class LastSync:
    id: int
    started_at: datetime
    finished_at: datetime | None
    status: str
    created: int
    filled: int
    reset: int
    batches: int
    triggered_by: str
    error: str

    @property
    def duration_seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return round((self.finished_at - self.started_at).total_seconds(), 3)

    def as_dict(self) -> dict:
        data = asdict(self)
        data.update(
            started_at=_isoformat(self.started_at),
            finished_at=_isoformat(self.finished_at),
            duration_seconds=self.duration_seconds,
        )
        return data


@dataclass(frozen=True)
class SyncStatus:
    """The spec's metrics (total_auth_users, total_profiles, missing_profiles,
    sync_percentage) and what an operator needs beside them."""

    total_auth_users: int
    total_profiles: int
    missing_profiles: int
    orphan_profiles: int
    soft_deleted_users: int
    anonymous_users: int
    trigger_installed: bool
    trigger_enabled: bool
    trigger_failures: int
    last_sync: LastSync | None

    @property
    def eligible_users(self) -> int:
        """Users who should have a profile: everyone not soft-deleted."""
        return self.total_auth_users - self.soft_deleted_users

    @property
    def sync_percentage(self) -> float:
        if self.eligible_users == 0:
            return 100.0
        synced = self.eligible_users - self.missing_profiles
        return round(100.0 * synced / self.eligible_users, 2)

    @property
    def in_sync(self) -> bool:
        return self.missing_profiles == 0

    def as_dict(self) -> dict:
        return {
            "total_auth_users": self.total_auth_users,
            "total_profiles": self.total_profiles,
            "missing_profiles": self.missing_profiles,
            "sync_percentage": self.sync_percentage,
            "eligible_users": self.eligible_users,
            "orphan_profiles": self.orphan_profiles,
            "soft_deleted_users": self.soft_deleted_users,
            "anonymous_users": self.anonymous_users,
            "trigger_installed": self.trigger_installed,
            "trigger_enabled": self.trigger_enabled,
            "trigger_failures": self.trigger_failures,
            "last_sync": self.last_sync.as_dict() if self.last_sync else None,
        }


@dataclass(frozen=True)
class PlannedProfile:
    user_id: uuid.UUID
    email: str | None
    phone: str | None
    provider: str
    created_at: datetime | None

    def as_dict(self) -> dict:
        return {
            "user_id": str(self.user_id),
            "email": self.email,
            "phone": self.phone,
            "provider": self.provider,
            "created_at": _isoformat(self.created_at),
        }


@dataclass(frozen=True)
class SyncPlan:
    """A dry run: what a preserve-mode sync would do now. Nothing was written."""

    would_create: int
    would_fill: int
    sample: list[PlannedProfile]

    def as_dict(self) -> dict:
        return {
            "dry_run": True,
            "would_create": self.would_create,
            "would_fill": self.would_fill,
            "sample": [p.as_dict() for p in self.sample],
            "sample_truncated": self.would_create > len(self.sample),
        }


@dataclass(frozen=True)
class BatchResult:
    number: int
    scanned: int
    created: int
    filled: int
    reset: int
    last_id: uuid.UUID


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
    batches: list[BatchResult] = field(default_factory=list)
    resolved_trigger_failures: int = 0

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
            "resolved_trigger_failures": self.resolved_trigger_failures,
            "started_at": _isoformat(self.started_at),
            "finished_at": _isoformat(self.finished_at),
            "duration_seconds": self.duration_seconds,
        }


def _fetchone(sql: str, params: dict | None = None) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def last_sync() -> LastSync | None:
    with connection.cursor() as cursor:
        cursor.execute(query("last_sync_run"))
        row = cursor.fetchone()
    return LastSync(*row) if row else None


@contextlib.contextmanager
def read_only_snapshot() -> Iterator[None]:
    """One read-only snapshot, so that several counts agree with each other (inside a
    caller's transaction, that transaction's snapshot rules)."""
    outer = connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        if not outer:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            # A locked or overloaded database answers with an error in time, never a hang.
            cursor.execute(
                "SELECT set_config('statement_timeout', %s, true)",
                [f"{settings.USERSYNC_STATEMENT_TIMEOUT}s"],
            )
        yield


def status() -> SyncStatus:
    with database_errors(), read_only_snapshot():
        counts = _fetchone(query("status_counts"))
        installed, enabled, failures = _fetchone(query("trigger_state"))
        return SyncStatus(
            *counts,
            trigger_installed=installed,
            trigger_enabled=enabled,
            trigger_failures=failures,
            last_sync=last_sync(),
        )


def plan(sample_limit: int = PLAN_SAMPLE_LIMIT) -> SyncPlan:
    """The dry run: exact counts of what a sync would create and fill, and a bounded
    sample of the users concerned. Read-only: it writes nothing, not even a run record."""
    with database_errors(), read_only_snapshot(), connection.cursor() as cursor:
        cursor.execute(query("plan_counts"))
        would_create, would_fill = cursor.fetchone()
        cursor.execute(query("plan_sample"), {"limit": sample_limit})
        sample = [PlannedProfile(*row) for row in cursor.fetchall()]
    return SyncPlan(would_create=would_create, would_fill=would_fill, sample=sample)


def _run_batch(run_id: int, after: uuid.UUID, batch_size: int, preserve: bool, actor: str):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL lock_timeout = '{BATCH_LOCK_TIMEOUT}'")
        cursor.execute(
            "SELECT set_config('statement_timeout', %s, true)",
            [f"{settings.USERSYNC_STATEMENT_TIMEOUT}s"],
        )
        reset = 0
        if not preserve:
            cursor.execute(
                query("reset_batch"),
                {"after": after, "batch_size": batch_size, "actor": actor, "run_id": run_id},
            )
            reset = cursor.fetchone()[0]
        cursor.execute(query("sync_batch"), {"after": after, "batch_size": batch_size})
        last_id, scanned, created, filled = cursor.fetchone()
        cursor.execute(
            query("run_progress"),
            {
                "run_id": run_id,
                "created": created,
                "filled": filled,
                "reset": reset,
                "lease_seconds": lease_seconds(),
            },
        )
        if cursor.fetchone() is None:
            raise LeaseLost(
                f"sync run {run_id} lost its lease (a batch took longer than "
                f"{lease_seconds()} s and another run took over); its last batch was undone"
            )
    return last_id, scanned, created, filled, reset


def _finish(run_id: int, status_: str, error: str = "") -> datetime | None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(query("run_finish"), {"run_id": run_id, "status": status_, "error": error})
        row = cursor.fetchone()
    return row[0] if row else None


def sync(
    *,
    dry_run: bool = False,
    preserve: bool = True,
    batch_size: int | None = None,
    progress: Callable[[BatchResult], None] | None = None,
    triggered_by: str = "usersync",
    wait: bool = False,
    on_wait: Callable[[Holder], None] | None = None,
) -> SyncResult | SyncPlan:
    """Create every missing profile (and, with preserve=False, reset existing ones to
    the defaults, auditing their old values). dry_run=True returns plan() instead."""
    if dry_run:
        return plan()
    batch_size = batch_size or settings.USERSYNC_SYNC_BATCH_SIZE
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
        after = FIRST_ID
        try:
            while True:
                last_id, scanned, created, filled, reset = _run_batch(
                    run.id, after, batch_size, preserve, triggered_by
                )
                if scanned == 0:
                    break
                batch = BatchResult(
                    len(result.batches) + 1, scanned, created, filled, reset, last_id
                )
                result.batches.append(batch)
                result.scanned += scanned
                result.created += created
                result.filled += filled
                result.reset += reset
                if progress:
                    progress(batch)
                after = last_id
                if scanned < batch_size:
                    break
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(query("resolve_trigger_failures"))
                result.resolved_trigger_failures = cursor.rowcount
        except BaseException as error:
            status_ = "interrupted" if isinstance(error, KeyboardInterrupt) else "failed"
            message = (str(error).strip().splitlines() or [status_])[0][:500]
            # If the database is gone, the lease expires by itself.
            with contextlib.suppress(Exception):
                _finish(run.id, status_, message)
            raise
        result.finished_at = _finish(run.id, "succeeded")
    return result


def estimated_auth_users() -> int | None:
    """A cheap estimate for progress bars and quick health checks (catalog statistics)."""
    with database_errors():
        row = _fetchone(query("estimated_auth_users"))
    return int(row[0]) if row and row[0] is not None and row[0] >= 0 else None
