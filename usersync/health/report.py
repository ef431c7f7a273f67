"""The health URLs' runner and their JSON. They run usersync's checks one after another
in the request's own thread (its connection, its transaction), where django-health-check's
runner would use worker threads, and within one time budget for the whole URL."""

from __future__ import annotations

import datetime
import enum
import logging
import time
import timeit
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from health_check.base import HealthCheck, HealthCheckResult
from health_check.exceptions import HealthCheckException, ServiceUnavailable, ServiceWarning

from usersync.conf import conf
from usersync.errors import UsersyncError
from usersync.health.base import UsersyncCheck, messages_of

logger = logging.getLogger(__name__)


class Status(enum.StrEnum):
    HEALTHY = "healthy"
    DEGRADED = "degraded"
    UNHEALTHY = "unhealthy"

    @classmethod
    def of(cls, error: HealthCheckException | None) -> Status:
        if error is None:
            return cls.HEALTHY
        return cls.DEGRADED if isinstance(error, ServiceWarning) else cls.UNHEALTHY

    @property
    def severity(self) -> int:
        return list(Status).index(self)


class NotChecked(ServiceUnavailable):
    """A check not attempted: the database had already failed, or no time was left."""

    def __init__(self, reason: str):
        super().__init__(f"not checked: {reason}")


def detail_of(error: HealthCheckException | None) -> str:
    """The full one-line error behind a failure, for staff only."""
    cause = error.__cause__ if error is not None else None
    if cause is None:
        return ""
    if isinstance(cause, UsersyncError):
        return str(cause)
    return f"{type(cause).__name__}: {cause}"


def run_check(check: HealthCheck) -> HealthCheckResult:
    """check.run() here and now; never raises (as django-health-check's get_result)."""
    start = timeit.default_timer()
    error: HealthCheckException | None = None
    try:
        check.run()
    except HealthCheckException as failure:
        error = failure
    except Exception as unexpected:  # a health URL answers, whatever went wrong
        logger.exception("health check %r failed", check)
        error = ServiceUnavailable("the check failed")
        error.__cause__ = unexpected
    return HealthCheckResult(check, error, timeit.default_timer() - start)


@dataclass(frozen=True)
class Report:
    results: list[HealthCheckResult]
    checked_at: str

    @property
    def status(self) -> Status:
        return max((Status.of(r.error) for r in self.results), key=lambda s: s.severity)

    @property
    def http_status(self) -> int:
        return 503 if self.status is Status.UNHEALTHY else 200

    def messages(self, status: Status) -> list[str]:
        return [
            message
            for r in self.results
            if Status.of(r.error) is status and not isinstance(r.error, NotChecked)
            for message in messages_of(r.error)
        ]

    def as_dict(self, detailed: bool = False) -> dict:
        data: dict[str, Any] = {
            "status": str(self.status),
            "warnings": self.messages(Status.DEGRADED),
            "errors": self.messages(Status.UNHEALTHY),
            "checked_at": self.checked_at,
        }
        for result in self.results:
            data.update(getattr(result.check, "data", {}))
        data["checks"] = {
            getattr(r.check, "name", repr(r.check)): (
                result_dict(r) if detailed else str(Status.of(r.error))
            )
            for r in self.results
        }
        return data


def result_dict(result: HealthCheckResult) -> dict:
    data: dict[str, Any] = {
        "status": str(Status.of(result.error)),
        "messages": list(messages_of(result.error)),
    }
    if detail := detail_of(result.error):
        data["detail"] = detail
    if isinstance(result.error, NotChecked):
        data["skipped"] = True
    return data


def run_checks(checks: Sequence[UsersyncCheck], budget: float | None = None) -> Report:
    """Run checks in order within one time budget; after a failed `database` check (or
    once the budget is spent) the rest are reported as not checked, not attempted."""
    deadline = time.monotonic() + (budget or conf.HEALTH_TIME_LIMIT_SECONDS)
    results: list[HealthCheckResult] = []
    reason = None
    for check in checks:
        remaining = deadline - time.monotonic()
        if reason is None and remaining <= 0.01:
            reason = "the time limit was reached"
        if reason is not None:
            results.append(HealthCheckResult(check, NotChecked(reason), 0.0))
            continue
        check.timeout = min(check.timeout, datetime.timedelta(seconds=remaining))
        result = run_check(check)
        results.append(result)
        if check.name == "database" and Status.of(result.error) is Status.UNHEALTHY:
            reason = "the database is unavailable"
    return Report(results, timezone.now().isoformat())
