"""How far auth.users and user_profiles are in step: the counts an operator, the admin,
the health URLs and /metrics all read, taken in one read-only snapshot."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from usersync.db.connection import connection
from usersync.db.errors import database_errors
from usersync.db.rows import fetch_one, fetch_value
from usersync.db.sql import query
from usersync.db.transactions import read_only_snapshot
from usersync.sync.trigger_state import TriggerState


def isoformat(value: datetime | None) -> str | None:
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
            started_at=isoformat(self.started_at),
            finished_at=isoformat(self.finished_at),
            duration_seconds=self.duration_seconds,
        )
        return data


@dataclass(frozen=True)
class RunningSync:
    """A sync in progress (the lease's holder): who, since when, how far."""

    run_id: int
    holder: str
    triggered_by: str
    started_at: datetime
    expires_at: datetime
    lease_expired: bool
    preserve: bool
    batch_size: int
    batches: int
    created: int
    filled: int
    reset: int

    @property
    def scanned_at_most(self) -> int:
        """Users scanned so far, at most (the last batch may have been short)."""
        return self.batches * self.batch_size

    def describe(self, total_auth_users: int | None = None) -> str:
        scanned = self.scanned_at_most
        if total_auth_users is not None:
            scanned = min(scanned, total_auth_users)
            share = 100 * scanned // total_auth_users if total_auth_users else 100
            far = f"about {scanned:,} of {total_auth_users:,} users scanned ({share}%)"
        else:
            far = f"about {scanned:,} users scanned"
        text = (
            f"run {self.run_id} by {self.triggered_by} on {self.holder}, since "
            f"{self.started_at:%Y-%m-%d %H:%M:%S %Z}: {self.batches:,} "
            f"batch{'' if self.batches == 1 else 'es'} committed, "
            f"{far}, created {self.created:,}, filled {self.filled:,}"
        )
        if not self.preserve:
            text += f", reset {self.reset:,}"
        if self.lease_expired:
            text += " (its lease has expired: the process may have died)"
        return text

    def as_dict(self) -> dict:
        data = asdict(self)
        data.update(
            started_at=isoformat(self.started_at),
            expires_at=isoformat(self.expires_at),
            scanned_at_most=self.scanned_at_most,
        )
        return data


# The columns of status_counts.sql (and of the stored copy, usersync.status_counts).
COUNT_FIELDS = (
    "total_auth_users",
    "total_profiles",
    "missing_profiles",
    "orphan_profiles",
    "soft_deleted_users",
    "anonymous_users",
    "profiles_of_eligible_users",
    "profiles_of_soft_deleted_users",
    "banned_users",
    "deactivated_profiles",
    "ban_lifted_by_hand",
    "measured_at",
)


@dataclass(frozen=True)
class SyncStatus:
    """The documented metrics (total_auth_users, total_profiles, missing_profiles,
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
    # total_profiles = profiles_of_eligible_users + profiles_of_soft_deleted_users
    # + orphan_profiles; eligible_users - profiles_of_eligible_users = missing_profiles.
    profiles_of_eligible_users: int
    profiles_of_soft_deleted_users: int
    # Banned in Supabase Auth (banned_until ahead, whoever set it), apart from deactivated
    # in usersync; ban_lifted_by_hand: deactivated profiles whose user is not banned
    # although USERSYNC_BAN_IN_SUPABASE_AUTH is on (drift: sync_users bans them again).
    banned_users: int
    deactivated_profiles: int
    ban_lifted_by_hand: int
    measured_at: datetime  # when the counts were taken (a cached copy keeps it)
    running_sync: RunningSync | None
    signin_trigger_installed: bool = True
    signin_trigger_enabled: bool = True

    @classmethod
    def from_rows(
        cls,
        counts: Mapping[str, Any],
        trigger: Mapping[str, Any] | None = None,
        last_sync: LastSync | None = None,
        running_sync: RunningSync | None = None,
    ) -> SyncStatus:
        """The one way a SyncStatus is made: a status_counts.sql row (or the stored copy
        of one) and a row with the trigger state (the columns of
        usersync.profile_trigger_state and trigger_failures; taken as working when not
        given)."""
        state = TriggerState.from_row(
            trigger or {"trigger_installed": True, "trigger_enabled": True}
        )
        return cls(
            **{name: counts[name] for name in COUNT_FIELDS},
            trigger_installed=state.installed,
            trigger_enabled=state.enabled,
            trigger_failures=state.failures,
            signin_trigger_installed=state.signin_installed,
            signin_trigger_enabled=state.signin_enabled,
            last_sync=last_sync,
            running_sync=running_sync,
        )

    @property
    def eligible_users(self) -> int:
        """Users who should have a profile: everyone not soft-deleted."""
        return self.total_auth_users - self.soft_deleted_users

    @property
    def sync_percentage(self) -> float:
        """The share of eligible users with a profile, truncated to 2 decimals, never
        rounded up: 100 only when none is missing (99.99 for 1 missing of 1,000,000)."""
        if self.missing_profiles == 0:
            return 100.0
        synced = max(self.eligible_users - self.missing_profiles, 0)
        return (synced * 10_000 // self.eligible_users) / 100

    @property
    def sync_percentage_text(self) -> str:
        return f"{self.sync_percentage:.2f}%"

    @property
    def auth_users_breakdown(self) -> str:
        return (
            f"{self.eligible_users:,} eligible + {self.soft_deleted_users:,} soft-deleted "
            f"(who need no profile)"
        )

    @property
    def profiles_breakdown(self) -> str:
        text = (
            f"{self.profiles_of_eligible_users:,} of eligible users + "
            f"{self.profiles_of_soft_deleted_users:,} of soft-deleted users"
        )
        if self.orphan_profiles:
            text += f" + {self.orphan_profiles:,} orphans (no auth user)"
        return text

    @property
    def missing_breakdown(self) -> str:
        return (
            f"{self.eligible_users:,} eligible - {self.profiles_of_eligible_users:,} with a profile"
        )

    @property
    def in_sync(self) -> bool:
        return self.missing_profiles == 0

    @property
    def ban_drift_sentence(self) -> str | None:
        """The drift between usersync's deactivation and Supabase Auth's ban, in words
        (None when there is none)."""
        if not self.ban_lifted_by_hand:
            return None
        count = self.ban_lifted_by_hand
        return (
            f"{count:,} deactivated {'profile is' if count == 1 else 'profiles are'} not "
            f"banned in Supabase Auth (ban lifted outside usersync): sync_users bans "
            f"{'it' if count == 1 else 'them'} again"
        )

    @property
    def trigger(self) -> TriggerState:
        return TriggerState(
            self.trigger_installed,
            self.trigger_enabled,
            self.trigger_failures,
            self.signin_trigger_installed,
            self.signin_trigger_enabled,
        )

    @property
    def last_sync_problem(self) -> str | None:
        last = self.last_sync
        if last is None or last.status == "succeeded":
            return None
        return f"the last sync (run {last.id}) {last.status}: {last.error}"

    def problems(self) -> list[str]:
        """Everything an operator must act on, one sentence each, most urgent first;
        empty when all is well (`sync_status --check` exits 1 on any). A new kind of
        problem is one more sentence here."""
        found = []
        if self.missing_profiles:
            found.append(f"{missing_profiles_warning(self.missing_profiles)}; run sync_users")
        found += self.trigger.problems()
        if self.last_sync_problem:
            found.append(self.last_sync_problem)
        return found

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
            "profiles_of_eligible_users": self.profiles_of_eligible_users,
            "profiles_of_soft_deleted_users": self.profiles_of_soft_deleted_users,
            "banned_users": self.banned_users,
            "deactivated_profiles": self.deactivated_profiles,
            "ban_lifted_by_hand": self.ban_lifted_by_hand,
            "measured_at": isoformat(self.measured_at),
            "running_sync": self.running_sync.as_dict() if self.running_sync else None,
            "signin_trigger_installed": self.signin_trigger_installed,
            "signin_trigger_enabled": self.signin_trigger_enabled,
            "problems": self.problems(),
        }


def last_sync() -> LastSync | None:
    with connection().cursor() as cursor:
        cursor.execute(query("last_sync_run"))
        return fetch_one(cursor, into=LastSync)


def running_sync() -> RunningSync | None:
    with connection().cursor() as cursor:
        cursor.execute(query("running_sync"))
        return fetch_one(cursor, into=RunningSync)


def missing_profiles_warning(missing: int) -> str:
    """The warning monitors match on, word for word (the command, /health, /metrics)."""
    return f"{missing} users need profile synchronization"


def status() -> SyncStatus:
    with database_errors(), read_only_snapshot(), connection().cursor() as cursor:
        cursor.execute(query("trigger_state"))
        trigger = fetch_one(cursor)
        cursor.execute(query("status_counts"))
        counts = fetch_one(cursor)
        return SyncStatus.from_rows(counts, trigger, last_sync(), running_sync())


def users_to_scan() -> int:
    """How many auth users a sync will scan, counted exactly (the progress bar's total:
    catalog statistics are -1 or stale before the first ANALYZE of a large import)."""
    with database_errors(), connection().cursor() as cursor:
        cursor.execute(query("auth_users_count"))
        return fetch_value(cursor)
