"""usersync's Python API: the functions behind the commands, for a project's own code.
Import them from `usersync` itself (`import usersync; usersync.status()`); their names,
arguments and result types are kept stable across releases.

Each returns the typed result the matching command prints, with `as_dict()` giving the
command's JSON. Errors are usersync.errors.UsersyncError subclasses with a one-line
message (BadInput for a request that cannot be done: nothing was changed).

`actor` names who acts, as admin_audit_log records it: a string, or a
usersync.logs.audit.Actor that also carries the actor's own Supabase user id.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence

from usersync.logs.audit import Actor
from usersync.staff import changes
from usersync.staff.changes import StaffChange
from usersync.sync import backfill, profiles
from usersync.sync.backfill import BatchResult, SyncPlan, SyncResult
from usersync.sync.profiles import CreatedProfile, PreservationReport
from usersync.sync.status import SyncStatus
from usersync.sync.status import status as sync_status

DEFAULT_ACTOR = "python-api"


def _actor(actor: str | Actor) -> Actor:
    return actor if isinstance(actor, Actor) else Actor(str(actor))


def status() -> SyncStatus:
    """How far auth.users and user_profiles are in step (`sync_status --json`):
    total_auth_users, total_profiles, missing_profiles, sync_percentage, the trigger's
    state and the last sync."""
    return sync_status()


def plan(sample_limit: int = backfill.PLAN_SAMPLE_LIMIT) -> SyncPlan:
    """What a sync would do now, writing nothing (`sync_users --dry-run`)."""
    return backfill.plan(sample_limit)


def sync_users(
    *,
    preserve: bool = True,
    batch_size: int | None = None,
    wait: bool = False,
    progress: Callable[[BatchResult], None] | None = None,
    actor: str | Actor = DEFAULT_ACTOR,
    full: bool = False,
) -> SyncResult:
    """Create every missing profile in batches (`sync_users`). preserve=False also
    resets existing profiles to the defaults, keeping their old values in the audit log.
    Fills are probed only for users written since the last completed sync unless
    full=True (`--full`). Raises SyncAlreadyRunning while another sync runs, unless
    wait=True."""
    return backfill.sync(
        full=full,
        preserve=preserve,
        batch_size=batch_size,
        progress=progress,
        triggered_by=_actor(actor).name,
        wait=wait,
    )


def create_profile(
    user_id: str | uuid.UUID,
    role: str | None = None,
    active: bool = True,
    *,
    actor: str | Actor = DEFAULT_ACTOR,
) -> CreatedProfile:
    """Create one auth user's profile, audited (`create_profile`); role None means
    USERSYNC_DEFAULT_ROLE. ProfileExists if they have one, UnknownUser if there is no
    such user."""
    return profiles.create_profile(user_id, role=role, active=active, actor=_actor(actor))


def change_role(
    user_id: str | uuid.UUID,
    role: str,
    *,
    actor: str | Actor,
    reason: str | None = None,
) -> StaffChange:
    """Give a user another role (one of USERSYNC_ALLOWED_ROLES), audited. Refuses to
    take the admin role from the last active admin."""
    return changes.change_role(user_id, role, _actor(actor), reason)


def deactivate(user_id: str | uuid.UUID, *, actor: str | Actor, reason: str) -> StaffChange:
    """Deactivate a user's profile, saying why, audited. Refuses the last active admin,
    and the actor's own profile."""
    return changes.deactivate(user_id, _actor(actor), reason)


def reactivate(
    user_id: str | uuid.UUID, *, actor: str | Actor, reason: str | None = None
) -> StaffChange:
    """Reactivate a user's profile and clear its deactivation details, audited."""
    return changes.reactivate(user_id, _actor(actor), reason)


def preservation_report(
    user_ids: Sequence[str | uuid.UUID] | None = None, limit: int | None = None
) -> PreservationReport:
    """Which profiles hold values other than the defaults: what preserve=False would
    overwrite (`preservation_report`)."""
    return profiles.preservation_report(list(user_ids) if user_ids else None, limit)
