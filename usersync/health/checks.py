"""The health checks of usersync and the three reports the health URLs render.

GET /health (public_report), GET /admin/users/health-check (staff_report) and
GET /dashboard/health-check (dashboard_report) only render these; /metrics reuses
SyncCheck, and container probes (probe_checks) the dashboard's checks. The checks are
django-health-check HealthChecks (usersync.health.base); report.py runs them.

/health and /dashboard/health-check send one statement per request: the checks of a URL
share one Reading (usersync.health.reading), whose row says that the database answers
and holds the trigger state and /health's stored count (usersync.health.reading) or
the dashboard's estimates and last sync.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TypeVar

from django.utils import timezone
from health_check.base import HealthCheck
from health_check.exceptions import HealthCheckException, ServiceUnavailable, ServiceWarning

from usersync import sync
from usersync.conf import conf
from usersync.errors import CannotConnect, ConnectionLost, DatabaseTimeout, UsersyncError
from usersync.health import reading
from usersync.health.base import Critical, UsersyncCheck, raise_worst, safe_message
from usersync.health.reading import Reading
from usersync.health.report import Report, run_checks
from usersync.schema import verify as schema
from usersync.sync import counts
from usersync.sync.status import missing_profiles_warning
from usersync.sync.trigger_state import TriggerState

DATABASE_ALIVE = "database_alive"
T = TypeVar("T")


@dataclasses.dataclass
class DatabaseCheck(UsersyncCheck):
    """The database answers. Given the reading of the URL's other checks, it fails only
    when that could not reach the database: its other errors (a timeout, a missing
    table) are theirs, as when each check sent its own query."""

    name = "database"
    reading: Reading = dataclasses.field(
        default_factory=lambda: Reading(DATABASE_ALIVE), repr=False, compare=False
    )

    def run(self) -> None:
        try:
            self.reading.row(self.timeout.total_seconds())
        except UsersyncError as error:
            if self.reading.name == DATABASE_ALIVE or isinstance(
                error, CannotConnect | ConnectionLost
            ):
                raise ServiceUnavailable(safe_message(error)) from error


def trigger_problems(state: TriggerState) -> list[ServiceWarning]:
    return [ServiceWarning(p) for p in state.problems()]


def trigger_data(state: TriggerState) -> dict[str, bool | int]:
    return {
        "trigger_installed": state.installed,
        "trigger_enabled": state.enabled,
        "trigger_failures": state.failures,
        "signin_trigger_installed": state.signin_installed,
        "signin_trigger_enabled": state.signin_enabled,
    }


@dataclasses.dataclass
class TriggerCheck(UsersyncCheck):
    """Catalog look-up: are the sign-up and sign-in triggers installed and enabled;
    failures recorded."""

    name = "trigger"
    reading: Reading = dataclasses.field(
        default_factory=lambda: Reading("trigger_state"), repr=False, compare=False
    )

    def run(self) -> None:
        trigger = TriggerState.from_row(self.read(self.reading))
        self.data = trigger_data(trigger)
        raise_worst(trigger_problems(trigger))


@dataclasses.dataclass
class ProfilesCheck(UsersyncCheck):
    """The public view of the sync state: how many users lack a profile."""

    name = "profiles"
    cache_seconds: int = 0
    reading: Reading = dataclasses.field(
        default_factory=lambda: Reading("public_state"), repr=False, compare=False
    )

    def counts(self) -> reading.ProfileCounts:
        """Counted now (cache_seconds 0, or while counting is cheap), else the stored
        count, counted again in the background once it is older than cache_seconds."""
        if self.cache_seconds <= 0:
            return reading.counts_of(self.count(reading.count_now), counted_now=True)
        state = self.read(self.reading)
        served = self.count(lambda seconds: reading.serve(state, self.cache_seconds, seconds))
        if served is None:
            return self.first_count()
        row, counted_now = served
        return reading.counts_of(row, counted_now, row.get("counts_age_seconds") or 0.0)

    def first_count(self) -> reading.ProfileCounts:
        """Nothing stored yet: counted now if that fits in the time limit, else in the
        background while this answer says so."""
        try:
            counts = self.count(reading.count_and_store)
        except ServiceUnavailable as problem:
            if not isinstance(problem.__cause__, DatabaseTimeout):
                raise
            reading.refresh_in_background()
            raise ServiceWarning(
                "counting the users without a profile takes longer than "
                f"{conf.HEALTH_TIME_LIMIT_SECONDS:g} s; it goes on in the background"
            ) from problem
        if counts is None:
            raise ServiceWarning("the first count of users without a profile is under way")
        return reading.counts_of(counts, counted_now=True)

    def count(self, how: Callable[[float], T]) -> T:
        """`how` counts within this check's time limit; its errors are unavailable."""
        try:
            return how(self.timeout.total_seconds())
        except UsersyncError as error:
            raise ServiceUnavailable(safe_message(error)) from error

    def run(self) -> None:
        status = self.counts()
        self.data = {
            "missing_profiles": status.missing_profiles,
            "sync_percentage": status.sync_percentage,
            # The count may be stored: when it was taken, beside the report's checked_at,
            # and how old it is.
            "measured_at": status.measured_at.isoformat(),
            "counts": status.label,
            "counts_age_seconds": status.age_seconds,
        }
        if status.missing_profiles:
            raise ServiceWarning(missing_profiles_warning(status.missing_profiles))


@dataclasses.dataclass
class SyncCheck(UsersyncCheck):
    """The full sync state for staff and /metrics (`sync_status`: the SyncStatus read):
    counted now (cache_seconds 0), else with the stored count, as /health reads it."""

    name = "sync"
    cache_seconds: int = 0
    sync_status: sync.SyncStatus | None = dataclasses.field(
        default=None, init=False, repr=False, compare=False
    )

    def run(self) -> None:
        status = self.sync_status = self.status()
        problems: list[HealthCheckException] = []
        if status.missing_profiles:
            problems.append(ServiceWarning(missing_profiles_warning(status.missing_profiles)))
        if status.trigger_failures:
            problems += trigger_problems(TriggerState(True, True, status.trigger_failures))
        last = status.last_sync
        if status.last_sync_problem:
            problems.append(ServiceWarning(status.last_sync_problem))
        self.data = status.as_dict()
        self.data.update(
            last_sync_at=last.started_at.isoformat() if last else None,
            last_sync_status=last.status if last else None,
            last_sync_age_seconds=(
                round((timezone.now() - last.started_at).total_seconds()) if last else None
            ),
        )
        raise_worst(problems)

    def status(self) -> sync.SyncStatus:
        if self.cache_seconds <= 0:
            with self.within_limits():
                return sync.status()
        try:
            return reading.stored_status(self.cache_seconds, self.timeout.total_seconds())
        except UsersyncError as error:
            raise ServiceUnavailable(safe_message(error)) from error


@dataclasses.dataclass
class SchemaCheck(UsersyncCheck):
    """Tables, triggers, function security settings, RLS (usersync.schema.verify.verify())."""

    name = "schema"

    def run(self) -> None:
        with self.within_limits():
            verification = schema.verify()
        problems = [
            (ServiceUnavailable if check.group in {"tables", "triggers"} else ServiceWarning)(
                f"{check.name}: {check.detail or 'failed'} (repair: {check.repair})"
            )
            for check in verification.failures
        ]
        self.data = {
            "schema_ok": verification.ok,
            "schema_groups": verification.as_dict()["groups"],
        }
        raise_worst(problems)


@dataclasses.dataclass
class DashboardCheck(UsersyncCheck):
    """The trigger, catalog estimates of the tables, the exact count of missing profiles
    as /health serves it, the last sync: constant time once counting is expensive."""

    name = "dashboard"
    reading: Reading = dataclasses.field(
        default_factory=lambda: Reading("dashboard_state"), repr=False, compare=False
    )

    def run(self) -> None:
        state = self.read(self.reading)
        last_at = state["last_sync_at"]
        trigger = TriggerState.from_row(state)
        users, profiles = state["estimated_auth_users"], state["estimated_profiles"]
        self.data = {
            **trigger_data(trigger),
            "estimated_auth_users": users if users >= 0 else None,
            "estimated_profiles": profiles if profiles >= 0 else None,
            **self.missing(state),
            "last_sync_at": last_at.isoformat() if last_at else None,
            "last_sync_status": state["last_sync_status"],
        }
        if users < 0 or profiles < 0:
            self.data["estimates_unknown"] = (
                "auth.users or user_profiles was never analysed: the planner has no "
                "estimate of its rows yet"
            )
        raise_worst(trigger_problems(trigger))

    def missing(self, state: dict) -> dict:
        """How many users lack a profile, exact, as /health counts it: counted now while
        that is cheap, else the stored count and its age; or unknown, and why. Never an
        estimate: the planner's can be wrong by several times on a small table."""
        keeping = conf.STATUS_CACHE_SECONDS > 0  # else nothing is stored: count each time
        try:
            if keeping:
                served = reading.serve(
                    state, conf.STATUS_CACHE_SECONDS, min(self.timeout.total_seconds(), 1.0)
                )
            else:
                served = (reading.count_now(counts.CHEAP_COUNT_SECONDS), True)
            if served is None:  # nothing stored: count if that is cheap, else leave it
                row = reading.count_and_store(counts.CHEAP_COUNT_SECONDS)
                served = (row, True) if row else None
        except DatabaseTimeout:
            if keeping:
                reading.refresh_in_background()
            served = None
            reason = f"counting takes longer than {counts.CHEAP_COUNT_SECONDS * 1000:g} ms" + (
                "; it goes on in the background" if keeping else ""
            )
        except UsersyncError as error:
            served, reason = None, f"not counted: {safe_message(error)}"
        else:
            reason = "another process is counting" if served is None else ""
        if served is None:
            return {"missing_profiles": None, "missing_profiles_unknown": reason}
        row, counted_now = served
        figures = reading.counts_of(row, counted_now, row.get("counts_age_seconds") or 0.0)
        return {
            "missing_profiles": figures.missing_profiles,
            "counts": figures.label,
            "counts_age_seconds": figures.age_seconds,
        }


def public_report() -> Report:
    """GET /health: connectivity, the trigger, and how many users lack a profile."""
    state = Reading("public_state")
    return run_checks(
        [
            DatabaseCheck(reading=state),
            TriggerCheck(reading=state),
            ProfilesCheck(cache_seconds=conf.STATUS_CACHE_SECONDS, reading=state),
        ]
    )


def staff_report(recount: bool = False) -> Report:
    """GET /admin/users/health-check: schema, trigger, sync state; the counts are the
    stored ones, as /health reads them (counted in full only with recount=True)."""
    cache_seconds = 0 if recount else conf.STATUS_CACHE_SECONDS
    return run_checks([DatabaseCheck(), SchemaCheck(), SyncCheck(cache_seconds=cache_seconds)])


def dashboard_report() -> Report:
    """GET /dashboard/health-check: cheap enough to poll every few seconds."""
    state = Reading("dashboard_state")
    return run_checks([DatabaseCheck(reading=state), DashboardCheck(reading=state)])


def probe_checks() -> list[HealthCheck]:
    """Container probes: the dashboard's checks, failing exactly when
    GET /dashboard/health-check answers 503 (its warnings pass). django-health-check
    may run them in parallel threads: each reads its own row."""
    return [Critical(DatabaseCheck()), Critical(DashboardCheck())]
