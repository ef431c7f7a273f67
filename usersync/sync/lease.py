"""One sync at a time, for the whole run, also through a transaction pooler.

A lease row (usersync.sync_lease), not an advisory lock: a session-level lock does not
hold through a transaction pooler (the next transaction may run on another server
connection) and a transaction-level one ends at every batch commit. The holder renews
the lease with every batch; a killed holder's lease expires by itself.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from usersync.conf import conf
from usersync.db.connection import alias, atomic, connection
from usersync.db.rows import fetch_one
from usersync.db.sql import query
from usersync.errors import SyncAlreadyRunning


@dataclass(frozen=True)
class Holder:
    run_id: int
    holder: str
    started_at: datetime | None
    expires_at: datetime
    triggered_by: str | None

    def describe(self) -> str:
        started = self.started_at.isoformat(timespec="seconds") if self.started_at else "?"
        return (
            f"sync run {self.run_id} by {self.triggered_by or '?'} on {self.holder}, "
            f"started {started}"
        )


@dataclass(frozen=True)
class Run:
    id: int
    started_at: datetime


def holder_name() -> str:
    return f"{socket.gethostname()} pid {os.getpid()}"


def current_holder() -> Holder | None:
    with connection().cursor() as cursor:
        cursor.execute(query("lease_holder"))
        return fetch_one(cursor, into=Holder)


def _try_start(preserve: bool, batch_size: int, triggered_by: str) -> Run | None:
    """In one transaction: record the run and take the lease, or neither."""
    with atomic(), connection().cursor() as cursor:
        cursor.execute(
            query("run_start"),
            {
                "preserve": preserve,
                "batch_size": batch_size,
                "triggered_by": triggered_by[:150],
                "host": socket.gethostname()[:255],
                "pid": os.getpid(),
            },
        )
        run = fetch_one(cursor, into=Run)
        cursor.execute(
            query("lease_acquire"),
            {"run_id": run.id, "holder": holder_name(), "lease_seconds": lease_seconds()},
        )
        if fetch_one(cursor) is None:
            transaction.set_rollback(True, using=alias())
            return None
        cursor.execute(query("runs_mark_interrupted"), {"run_id": run.id})
    return run


def lease_seconds() -> int:
    return conf.LEASE_SECONDS


def start_run(
    *,
    preserve: bool,
    batch_size: int,
    triggered_by: str,
    wait: bool = False,
    on_wait: Callable[[Holder], None] | None = None,
    poll_seconds: float = 1.0,
) -> Run:
    """Record a new run holding the lease. Raises SyncAlreadyRunning, or waits."""
    announced = False
    while True:
        run = _try_start(preserve, batch_size, triggered_by)
        if run is not None:
            return run
        holder = current_holder()
        if holder is None:
            continue  # released between our attempt and the look-up
        if not wait:
            raise SyncAlreadyRunning(
                f"another sync is running: {holder.describe()}; its lease expires at "
                f"{holder.expires_at.isoformat(timespec='seconds')} unless renewed. "
                f"Use --wait to wait for it."
            )
        if on_wait and not announced:
            on_wait(holder)
            announced = True
        time.sleep(poll_seconds)
