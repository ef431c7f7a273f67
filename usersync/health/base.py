"""The health check framework (after django-health-check's base.py): a check is a small
object whose run() never raises and never hangs. Each runs in one read-only transaction
with `SET LOCAL statement_timeout` (connect_timeout in settings bounds the connection),
so a slow or dead database is an unhealthy result within seconds. `messages` are safe
to show anyone (counts at most, no user identities, no hosts); `detail` is for staff.
"""

from __future__ import annotations

import contextlib
import enum
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.utils import timezone

from usersync import sync
from usersync.conf import conf
from usersync.db.connection import connection
from usersync.db.rows import fetch_value
from usersync.errors import (
    DatabasePermissionDenied,
    DatabaseTimeout,
    DatabaseUnavailable,
    NotMigrated,
    UsersyncError,
    database_errors,
)

logger = logging.getLogger(__name__)


class Status(enum.StrEnum):
    HEALTHY = "healthy"
    DEGRADED = "degraded"
    UNHEALTHY = "unhealthy"

    @property
    def severity(self) -> int:
        return [Status.HEALTHY, Status.DEGRADED, Status.UNHEALTHY].index(self)


@dataclass(frozen=True)
class CheckResult:
    name: str
    status: Status
    messages: tuple[str, ...] = ()
    data: dict[str, Any] = field(default_factory=dict)
    detail: str = ""  # the full one-line error, for staff only
    skipped: bool = False
    value: Any = None  # the typed object measured (e.g. a SyncStatus), for reuse

    def as_dict(self, detailed: bool = False) -> dict:
        data: dict[str, Any] = {"status": str(self.status), "messages": list(self.messages)}
        if detailed and self.detail:
            data["detail"] = self.detail
        if self.skipped:
            data["skipped"] = True
        return data


def safe_message(error: BaseException) -> str:
    """What anyone may read about a failure: its kind, never a host, role or query."""
    if isinstance(error, DatabaseTimeout):
        return "the database did not answer in time"
    if isinstance(error, DatabaseUnavailable):
        return "the database is unreachable"
    if isinstance(error, NotMigrated):
        return "usersync's tables are not installed"
    if isinstance(error, DatabasePermissionDenied):
        return "the database refused access to usersync's tables"
    return "the check failed"


@contextlib.contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """One read-only transaction whose statements are cancelled after `seconds`."""
    outer = connection().in_atomic_block
    with sync.read_only_snapshot(), connection().cursor() as cursor:
        if not seconds:
            yield
            return
        cursor.execute("SELECT current_setting('statement_timeout')")
        previous = fetch_value(cursor)
        millis = f"{max(1, int(seconds * 1000))}ms"
        cursor.execute("SELECT set_config('statement_timeout', %s, true)", [millis])
        yield
        if outer:  # SET LOCAL lasts until the caller's transaction ends: restore it
            cursor.execute("SELECT set_config('statement_timeout', %s, true)", [previous])


class HealthCheck:
    """A check: measure() does the work and may raise; run() never does."""

    name: ClassVar[str] = ""

    def __init__(self, time_limit: float | None = None):
        self.time_limit = time_limit or conf.HEALTH_TIME_LIMIT_SECONDS

    def measure(self) -> CheckResult:
        raise NotImplementedError

    def run(self, seconds: float | None = None) -> CheckResult:
        limit = min(self.time_limit, seconds) if seconds else self.time_limit
        try:
            with database_errors(), time_limit(limit):
                return self.measure()
        except UsersyncError as error:
            return self.failed(safe_message(error), str(error))
        except Exception as error:  # a health URL answers, whatever went wrong
            logger.exception("health check %s failed", self.name)
            return self.failed("the check failed", f"{type(error).__name__}: {error}")

    def failed(self, message: str, detail: str = "") -> CheckResult:
        return CheckResult(self.name, Status.UNHEALTHY, (message,), detail=detail)

    def skip(self, reason: str) -> CheckResult:
        return CheckResult(self.name, Status.UNHEALTHY, (f"not checked: {reason}",), skipped=True)

    def result(self, problems: list[tuple[Status, str]], **data: Any) -> CheckResult:
        value = data.pop("value", None)
        worst = max((s for s, _ in problems), key=lambda s: s.severity, default=Status.HEALTHY)
        return CheckResult(self.name, worst, tuple(m for _, m in problems), data, value=value)


@dataclass(frozen=True)
class Report:
    results: list[CheckResult]
    checked_at: str

    @property
    def status(self) -> Status:
        return max((r.status for r in self.results), key=lambda s: s.severity)

    @property
    def http_status(self) -> int:
        return 503 if self.status is Status.UNHEALTHY else 200

    def messages(self, status: Status) -> list[str]:
        return [m for r in self.results if r.status is status and not r.skipped for m in r.messages]

    def as_dict(self, detailed: bool = False) -> dict:
        data: dict[str, Any] = {
            "status": str(self.status),
            "warnings": self.messages(Status.DEGRADED),
            "errors": self.messages(Status.UNHEALTHY),
            "checked_at": self.checked_at,
        }
        for result in self.results:
            data.update(result.data)
        data["checks"] = {
            r.name: r.as_dict(detailed) if detailed else str(r.status) for r in self.results
        }
        return data


def run_checks(checks: list[HealthCheck], budget: float | None = None) -> Report:
    """Run checks in order within one time budget; after a failed `database` check (or
    once the budget is spent) the rest are reported as not checked, not attempted."""
    deadline = time.monotonic() + (budget or conf.HEALTH_TIME_LIMIT_SECONDS)
    results: list[CheckResult] = []
    reason = None
    for check in checks:
        remaining = deadline - time.monotonic()
        if reason is None and remaining <= 0.01:
            reason = "the time limit was reached"
        if reason is not None:
            results.append(check.skip(reason))
            continue
        result = check.run(remaining)
        results.append(result)
        if check.name == "database" and result.status is Status.UNHEALTHY:
            reason = "the database is unavailable"
    return Report(results, timezone.now().isoformat())
