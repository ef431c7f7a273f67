"""The health checks of usersync and the three reports the health URLs render.

GET /health (public_report), GET /admin/users/health-check (staff_report) and
GET /dashboard/health-check (dashboard_report) only render these; sync_status and
/metrics reuse SyncCheck. The framework (time limits, results) is health_base.
"""

from __future__ import annotations

from django.core.cache import cache
from django.utils import timezone

from usersync import sync
from usersync.conf import conf
from usersync.db.connection import connection
from usersync.db.rows import fetch_one
from usersync.db.sql import query
from usersync.health.base import (
    CheckResult,
    HealthCheck,
    Report,
    Status,
    run_checks,
)
from usersync.schema import verify as schema

STATUS_CACHE_KEY = "usersync:health:status"
REPAIR_TRIGGER = "python manage.py verify_migration --repair"


def missing_profiles_warning(missing: int) -> str:
    """The spec's warning, word for word."""
    return f"{missing} users need profile synchronization"


class DatabaseCheck(HealthCheck):
    name = "database"

    def measure(self) -> CheckResult:
        with connection().cursor() as cursor:
            cursor.execute("SELECT 1")
        return self.result([])


def trigger_problems(installed: bool, enabled: bool, failures: int, severity: Status) -> list:
    problems = []
    if not installed or not enabled:
        state = "missing" if not installed else "disabled"
        problems.append(
            (
                severity,
                f"the profile trigger on_auth_user_created is {state}: new sign-ups get no "
                f"profile (repair: {REPAIR_TRIGGER})",
            )
        )
    if failures:
        problems.append(
            (
                Status.DEGRADED,
                f"{failures} profile creations failed in the trigger; run sync_users to "
                f"repair them",
            )
        )
    return problems


class TriggerCheck(HealthCheck):
    """Catalog look-up: is on_auth_user_created installed and enabled; failures recorded."""

    name = "trigger"

    def __init__(self, off_is: Status = Status.UNHEALTHY, time_limit: float | None = None):
        super().__init__(time_limit)
        self.off_is = off_is

    def measure(self) -> CheckResult:
        with connection().cursor() as cursor:
            cursor.execute(query("trigger_state"))
            state = fetch_one(cursor)
        return self.result(
            trigger_problems(
                state["trigger_installed"],
                state["trigger_enabled"],
                state["trigger_failures"],
                self.off_is,
            ),
            **state,
        )


def cached_status(max_age: int) -> sync.SyncStatus:
    """sync.status(), reused for up to max_age seconds (0: always fresh)."""
    if max_age <= 0:
        return sync.status()
    status = cache.get(STATUS_CACHE_KEY)
    if status is None:
        status = sync.status()
        cache.set(STATUS_CACHE_KEY, status, max_age)
    return status


class ProfilesCheck(HealthCheck):
    """The public view of the sync state: how many users lack a profile."""

    name = "profiles"

    def __init__(self, cache_seconds: int = 0, time_limit: float | None = None):
        super().__init__(time_limit)
        self.cache_seconds = cache_seconds

    def measure(self) -> CheckResult:
        status = cached_status(self.cache_seconds)
        problems = []
        if status.missing_profiles:
            problems.append((Status.DEGRADED, missing_profiles_warning(status.missing_profiles)))
        return self.result(
            problems,
            missing_profiles=status.missing_profiles,
            sync_percentage=status.sync_percentage,
        )


class SyncCheck(HealthCheck):
    """The full sync state for staff, /metrics and sync_status (value: the SyncStatus)."""

    name = "sync"

    def __init__(self, cache_seconds: int = 0, time_limit: float | None = None):
        super().__init__(time_limit)
        self.cache_seconds = cache_seconds

    def measure(self) -> CheckResult:
        status = cached_status(self.cache_seconds)
        problems: list[tuple[Status, str]] = []
        if status.missing_profiles:
            problems.append((Status.DEGRADED, missing_profiles_warning(status.missing_profiles)))
        if status.trigger_failures:
            problems += trigger_problems(True, True, status.trigger_failures, Status.DEGRADED)
        last = status.last_sync
        if last is not None and last.status != "succeeded":
            problems.append(
                (Status.DEGRADED, f"the last sync (run {last.id}) {last.status}: {last.error}")
            )
        data = status.as_dict()
        data.update(
            last_sync_at=last.started_at.isoformat() if last else None,
            last_sync_status=last.status if last else None,
            last_sync_age_seconds=(
                round((timezone.now() - last.started_at).total_seconds()) if last else None
            ),
        )
        return self.result(problems, value=status, **data)


class SchemaCheck(HealthCheck):
    """Tables, triggers, function security settings, RLS (usersync.schema.verify.verify())."""

    name = "schema"

    def measure(self) -> CheckResult:
        verification = schema.verify()
        problems = [
            (
                Status.UNHEALTHY if check.group in {"tables", "triggers"} else Status.DEGRADED,
                f"{check.name}: {check.detail or 'failed'} (repair: {check.repair})",
            )
            for check in verification.failures
        ]
        groups = verification.as_dict()["groups"]
        return self.result(problems, schema_ok=verification.ok, schema_groups=groups)


class DashboardCheck(HealthCheck):
    """Constant time at any size: catalog estimates, the trigger, the last sync."""

    name = "dashboard"

    def measure(self) -> CheckResult:
        with connection().cursor() as cursor:
            cursor.execute(query("dashboard_state"))
            state = fetch_one(cursor)
        last = sync.last_sync()
        users, profiles = state["estimated_auth_users"], state["estimated_profiles"]
        estimated_missing = max(users - profiles, 0) if users >= 0 and profiles >= 0 else None
        return self.result(
            trigger_problems(
                state["trigger_installed"],
                state["trigger_enabled"],
                state["trigger_failures"],
                Status.DEGRADED,
            ),
            trigger_installed=state["trigger_installed"],
            trigger_enabled=state["trigger_enabled"],
            trigger_failures=state["trigger_failures"],
            estimated_auth_users=users if users >= 0 else None,
            estimated_profiles=profiles if profiles >= 0 else None,
            estimated_missing_profiles=estimated_missing,
            last_sync_at=last.started_at.isoformat() if last else None,
            last_sync_status=last.status if last else None,
        )


def public_report() -> Report:
    """GET /health: connectivity, the trigger, and how many users lack a profile."""
    cache_seconds = conf.STATUS_CACHE_SECONDS
    return run_checks(
        [DatabaseCheck(), TriggerCheck(off_is=Status.DEGRADED), ProfilesCheck(cache_seconds)]
    )


def staff_report() -> Report:
    """GET /admin/users/health-check: schema, trigger, sync state; always fresh."""
    return run_checks([DatabaseCheck(), SchemaCheck(), SyncCheck()])


def dashboard_report() -> Report:
    """GET /dashboard/health-check: cheap enough to poll every few seconds."""
    return run_checks([DatabaseCheck(), DashboardCheck()])
