"""The health checks of usersync and the three reports the health URLs render.

GET /health (public_report), GET /admin/users/health-check (staff_report) and
GET /dashboard/health-check (dashboard_report) only render these; /metrics reuses
SyncCheck, and container probes (probe_checks) the dashboard's checks. The checks are
django-health-check HealthChecks (usersync.health.base); report.py runs them.

/health and /dashboard/health-check send one statement per request: the checks of a URL
share one Reading (usersync.health.reading), whose row says that the database answers
and holds the trigger state (and the dashboard's estimates and last sync). /health's
counts come from the cache, or from a second statement when it is cold.
"""

from __future__ import annotations

import dataclasses
import datetime

from django.core.cache import cache
from django.utils import timezone
from health_check.base import HealthCheck
from health_check.exceptions import HealthCheckException, ServiceUnavailable, ServiceWarning

from usersync import sync
from usersync.conf import conf
from usersync.errors import CannotConnect, ConnectionLost, UsersyncError
from usersync.health.base import Critical, UsersyncCheck, raise_worst, safe_message
from usersync.health.reading import Reading, read_row
from usersync.health.report import Report, run_checks
from usersync.schema import verify as schema

STATUS_CACHE_KEY = "usersync:health:status"
PROFILES_CACHE_KEY = "usersync:health:profiles"
DATABASE_ALIVE = "database_alive"
REPAIR_TRIGGER = "python manage.py verify_migration --repair"


def missing_profiles_warning(missing: int) -> str:
    """The warning monitors match on, word for word."""
    return f"{missing} users need profile synchronization"


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


def trigger_problems(installed: bool, enabled: bool, failures: int) -> list[ServiceWarning]:
    problems = []
    if not installed or not enabled:
        state = "missing" if not installed else "disabled"
        problems.append(
            ServiceWarning(
                f"the profile trigger on_auth_user_created is {state}: new sign-ups get no "
                f"profile (repair: {REPAIR_TRIGGER})"
            )
        )
    if failures:
        problems.append(
            ServiceWarning(
                f"{failures} profile creations failed in the trigger; run sync_users to repair them"
            )
        )
    return problems


@dataclasses.dataclass
class TriggerCheck(UsersyncCheck):
    """Catalog look-up: is on_auth_user_created installed and enabled; failures recorded."""

    name = "trigger"
    reading: Reading = dataclasses.field(
        default_factory=lambda: Reading("trigger_state"), repr=False, compare=False
    )

    def run(self) -> None:
        state = self.read(self.reading)
        installed, enabled, failures = (
            state["trigger_installed"],
            state["trigger_enabled"],
            state["trigger_failures"],
        )
        self.data = {
            "trigger_installed": installed,
            "trigger_enabled": enabled,
            "trigger_failures": failures,
        }
        raise_worst(trigger_problems(installed, enabled, failures))


def cached_status(max_age: int) -> sync.SyncStatus:
    """sync.status(), reused for up to max_age seconds (0: always fresh)."""
    if max_age <= 0:
        return sync.status()
    status = cache.get(STATUS_CACHE_KEY)
    if status is None:
        status = sync.status()
        cache.set(STATUS_CACHE_KEY, status, max_age)
    return status


@dataclasses.dataclass(frozen=True)
class ProfileCounts:
    """What /health tells of the counts (cached as such under PROFILES_CACHE_KEY)."""

    missing_profiles: int
    sync_percentage: float
    measured_at: datetime.datetime


def count_profiles(seconds: float) -> ProfileCounts:
    """The counts of sync.status() (status_counts.sql) in one round trip."""
    counts = read_row("status_counts", seconds)
    # SyncStatus's rule for the percentage; the trigger and runs play no part in it.
    status = sync.SyncStatus(
        **counts,
        trigger_installed=True,
        trigger_enabled=True,
        trigger_failures=0,
        last_sync=None,
        running_sync=None,
    )
    return ProfileCounts(status.missing_profiles, status.sync_percentage, status.measured_at)


@dataclasses.dataclass
class ProfilesCheck(UsersyncCheck):
    """The public view of the sync state: how many users lack a profile."""

    name = "profiles"
    cache_seconds: int = 0

    def counts(self) -> ProfileCounts:
        """Reused for up to cache_seconds (0: always fresh)."""
        counts = cache.get(PROFILES_CACHE_KEY) if self.cache_seconds > 0 else None
        if counts is None:
            try:
                counts = count_profiles(self.timeout.total_seconds())
            except UsersyncError as error:
                raise ServiceUnavailable(safe_message(error)) from error
            if self.cache_seconds > 0:
                cache.set(PROFILES_CACHE_KEY, counts, self.cache_seconds)
        return counts

    def run(self) -> None:
        status = self.counts()
        self.data = {
            "missing_profiles": status.missing_profiles,
            "sync_percentage": status.sync_percentage,
            # The count may be cached: when it was taken, beside the report's checked_at.
            "measured_at": status.measured_at.isoformat(),
        }
        if status.missing_profiles:
            raise ServiceWarning(missing_profiles_warning(status.missing_profiles))


@dataclasses.dataclass
class SyncCheck(UsersyncCheck):
    """The full sync state for staff and /metrics (`sync_status`: the SyncStatus read)."""

    name = "sync"
    cache_seconds: int = 0
    sync_status: sync.SyncStatus | None = dataclasses.field(
        default=None, init=False, repr=False, compare=False
    )

    def run(self) -> None:
        with self.within_limits():
            status = self.sync_status = cached_status(self.cache_seconds)
        problems: list[HealthCheckException] = []
        if status.missing_profiles:
            problems.append(ServiceWarning(missing_profiles_warning(status.missing_profiles)))
        if status.trigger_failures:
            problems += trigger_problems(True, True, status.trigger_failures)
        last = status.last_sync
        if last is not None and last.status != "succeeded":
            problems.append(
                ServiceWarning(f"the last sync (run {last.id}) {last.status}: {last.error}")
            )
        self.data = status.as_dict()
        self.data.update(
            last_sync_at=last.started_at.isoformat() if last else None,
            last_sync_status=last.status if last else None,
            last_sync_age_seconds=(
                round((timezone.now() - last.started_at).total_seconds()) if last else None
            ),
        )
        raise_worst(problems)


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
    """Constant time at any size: catalog estimates, the trigger, the last sync."""

    name = "dashboard"
    reading: Reading = dataclasses.field(
        default_factory=lambda: Reading("dashboard_state"), repr=False, compare=False
    )

    def run(self) -> None:
        state = self.read(self.reading)
        last_at = state["last_sync_at"]
        installed, enabled, failures = (
            state["trigger_installed"],
            state["trigger_enabled"],
            state["trigger_failures"],
        )
        users, profiles = state["estimated_auth_users"], state["estimated_profiles"]
        estimated_missing = max(users - profiles, 0) if users >= 0 and profiles >= 0 else None
        self.data = {
            "trigger_installed": installed,
            "trigger_enabled": enabled,
            "trigger_failures": failures,
            "estimated_auth_users": users if users >= 0 else None,
            "estimated_profiles": profiles if profiles >= 0 else None,
            "estimated_missing_profiles": estimated_missing,
            "last_sync_at": last_at.isoformat() if last_at else None,
            "last_sync_status": state["last_sync_status"],
        }
        raise_worst(trigger_problems(installed, enabled, failures))


def public_report() -> Report:
    """GET /health: connectivity, the trigger, and how many users lack a profile."""
    state = Reading("trigger_state")
    return run_checks(
        [
            DatabaseCheck(reading=state),
            TriggerCheck(reading=state),
            ProfilesCheck(cache_seconds=conf.STATUS_CACHE_SECONDS),
        ]
    )


def staff_report() -> Report:
    """GET /admin/users/health-check: schema, trigger, sync state; always fresh."""
    return run_checks([DatabaseCheck(), SchemaCheck(), SyncCheck()])


def dashboard_report() -> Report:
    """GET /dashboard/health-check: cheap enough to poll every few seconds."""
    state = Reading("dashboard_state")
    return run_checks([DatabaseCheck(reading=state), DashboardCheck(reading=state)])


def probe_checks() -> list[HealthCheck]:
    """Container probes: the dashboard's checks, failing exactly when
    GET /dashboard/health-check answers 503 (its warnings pass). django-health-check
    may run them in parallel threads: each reads its own row."""
    return [Critical(DatabaseCheck()), Critical(DashboardCheck())]
