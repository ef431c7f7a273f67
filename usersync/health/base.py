"""usersync's checks on django-health-check: each is a `health_check.HealthCheck` whose
run() reads the database and raises `ServiceWarning` (degraded) or `ServiceUnavailable`
(unhealthy), or returns (healthy).

The health URLs' checks `read()` one row that several of them share
(usersync.health.reading: one round trip, the time limit sent with the query); the
others work inside `within_limits()`, one read-only transaction with `SET LOCAL
statement_timeout`. Either way the limit is the check's `timeout` (connect_timeout in
settings bounds the connection), so a slow or dead database is an unhealthy result
within seconds; a database error becomes ServiceUnavailable with a message safe to show
anyone (its kind, never a host, role or query), the full one-line error kept as its
`__cause__` for staff. What a check measured is kept in its `data`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
from collections.abc import Iterator, Sequence
from typing import Any, ClassVar

from health_check.base import HealthCheck
from health_check.exceptions import HealthCheckException, ServiceUnavailable, ServiceWarning

from usersync.conf import conf
from usersync.db.connection import connection
from usersync.db.errors import database_errors
from usersync.db.transactions import read_only_snapshot, restore_time_limit, set_time_limit
from usersync.errors import (
    DatabasePermissionDenied,
    DatabaseTimeout,
    DatabaseUnavailable,
    NotMigrated,
    UsersyncError,
)
from usersync.health.reading import Reading


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
    with read_only_snapshot(), connection().cursor() as cursor:
        if not seconds:
            yield
            return
        previous = set_time_limit(cursor, seconds)
        yield
        if outer:  # SET LOCAL lasts until the caller's transaction ends: restore it
            restore_time_limit(cursor, previous)


class _Messages:
    """All of a check's problems in one exception: `messages` keeps them apart."""

    def __init__(self, messages: Sequence[str]):
        super().__init__("; ".join(messages))
        self.messages = tuple(messages)


class Warnings(_Messages, ServiceWarning):
    pass


class Unavailable(_Messages, ServiceUnavailable):
    pass


def messages_of(error: HealthCheckException | None) -> tuple[str, ...]:
    if error is None:
        return ()
    return getattr(error, "messages", (str(error.message),))


def raise_worst(problems: Sequence[HealthCheckException]) -> None:
    """Raise a check's problems as one exception: unavailable if any of them is."""
    if not problems:
        return
    messages = [str(problem.message) for problem in problems]
    if all(isinstance(problem, ServiceWarning) for problem in problems):
        raise Warnings(messages)
    raise Unavailable(messages)


def default_timeout() -> datetime.timedelta:
    return datetime.timedelta(seconds=conf.HEALTH_TIME_LIMIT_SECONDS)


@dataclasses.dataclass
class UsersyncCheck(HealthCheck):
    """A check of usersync's database; `name` is its key in the health URLs' JSON."""

    name: ClassVar[str] = ""
    timeout: datetime.timedelta = dataclasses.field(
        default_factory=default_timeout, repr=False, kw_only=True
    )
    data: dict[str, Any] = dataclasses.field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @contextlib.contextmanager
    def within_limits(self) -> Iterator[None]:
        try:
            with database_errors(), time_limit(self.timeout.total_seconds()):
                yield
        except UsersyncError as error:
            raise ServiceUnavailable(safe_message(error)) from error

    def read(self, reading: Reading) -> dict[str, Any]:
        """The reading's row, read within this check's time limit if it is the first to
        ask; its error, as a safe message, otherwise."""
        try:
            return reading.row(self.timeout.total_seconds())
        except UsersyncError as error:
            raise ServiceUnavailable(safe_message(error)) from error


@dataclasses.dataclass
class Critical(HealthCheck):
    """`check`, failing only when it finds the service unavailable: its warnings pass.
    For container probes, which act on failure (a restart, no traffic) that would not
    repair what a warning reports."""

    check: HealthCheck

    @property
    def timeout(self) -> datetime.timedelta:
        return self.check.timeout

    @property
    def labels(self) -> dict[str, str]:
        return self.check.labels

    def run(self) -> None:
        with contextlib.suppress(ServiceWarning):
            self.check.run()

    def __repr__(self) -> str:
        return repr(self.check)
