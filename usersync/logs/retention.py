"""Removing old log entries: user activity and chat errors, and the audit log only when
asked for explicitly. Batched deletes (one short transaction each) through each
table's created_at index, so pruning a big backlog never holds long locks."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from usersync.db.connection import atomic, connection
from usersync.db.errors import database_errors
from usersync.db.rows import fetch_value
from usersync.db.sql import query
from usersync.errors import BadInput
from usersync.logs import audit

LOG_TABLES = ("user_activity_log", "chat_error_log")
AUDIT_TABLE = "admin_audit_log"
DEFAULT_BATCH_SIZE = 5_000
UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
AGE_PATTERN = re.compile(r"^\s*(\d+)\s*([mhdw])\s*$")


def parse_age(text: str) -> timedelta:
    """'90d' -> 90 days; units m, h, d, w. At least one minute."""
    match = AGE_PATTERN.match(text.lower())
    if not match:
        raise BadInput(f"expected an age like 90d, 12h, 4w or 30m, got {text[:40]!r}")
    try:
        age = timedelta(**{UNITS[match[2]]: int(match[1])})
        timezone.now() - age  # the cutoff must be a date too
    except OverflowError:
        raise BadInput(f"the age {text[:40]!r} reaches back before the year 1") from None
    if age < timedelta(minutes=1):
        raise BadInput(f"the age must be at least one minute, got {text[:40]!r}")
    return age


@dataclass
class PruneResult:
    cutoff: datetime
    dry_run: bool
    counts: dict[str, int] = field(default_factory=dict)
    audit_included: bool = False

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def as_dict(self) -> dict:
        return {
            "dry_run": self.dry_run,
            "cutoff": self.cutoff.isoformat(),
            "would_delete" if self.dry_run else "deleted": dict(self.counts),
            "total": self.total,
            "audit_log_included": self.audit_included,
        }


def _sql(name: str, table: str) -> str:
    assert table in (*LOG_TABLES, AUDIT_TABLE)  # names are never user input
    return query(name).format(table=table)


def _prune_table(
    table: str, cutoff: datetime, batch_size: int, progress: Callable[[str, int], None] | None
) -> int:
    deleted = 0
    while True:
        with atomic(), connection().cursor() as cursor:
            cursor.execute(_sql("prune_batch", table), {"cutoff": cutoff, "batch_size": batch_size})
            count = cursor.rowcount
        deleted += count
        if progress and count:
            progress(table, count)
        if count < batch_size:
            return deleted


def prune(
    older_than: timedelta,
    *,
    dry_run: bool = False,
    include_audit: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Callable[[str, int], None] | None = None,
    actor: audit.Actor | None = None,
) -> PruneResult:
    """Delete (or, dry_run, count) log entries created before now - older_than. Pruning
    the audit log leaves one audit entry saying so."""
    cutoff = timezone.now() - older_than
    tables = (*LOG_TABLES, AUDIT_TABLE) if include_audit else LOG_TABLES
    result = PruneResult(cutoff=cutoff, dry_run=dry_run, audit_included=include_audit)
    with database_errors():
        for table in tables:
            if dry_run:
                with connection().cursor() as cursor:
                    cursor.execute(_sql("prune_count", table), {"cutoff": cutoff})
                    result.counts[table] = fetch_value(cursor)
            else:
                result.counts[table] = _prune_table(table, cutoff, batch_size, progress)
        if include_audit and not dry_run:
            audit.record(
                actor or audit.Actor("usersync:prune_logs"),
                "audit_log_pruned",
                None,
                details={"cutoff": cutoff, "deleted": result.counts[AUDIT_TABLE]},
            )
    return result
