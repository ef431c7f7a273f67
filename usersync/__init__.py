"""usersync: keeps Supabase's auth.users and your app's user_profiles in step.

The Python API (stable across releases; see usersync.public for each function):

    import usersync

    usersync.status().missing_profiles
    usersync.sync_users()
    usersync.deactivate(user_id, actor="support:ada", reason="chargeback")

Names are imported on first use, so `import usersync` works before Django is set up
(calling the functions needs Django's apps to be ready, as any model use does).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

# name -> the module that defines it
_EXPORTS = {
    # functions
    "status": "usersync.public",
    "plan": "usersync.public",
    "sync_users": "usersync.public",
    "create_profile": "usersync.public",
    "change_role": "usersync.public",
    "deactivate": "usersync.public",
    "reactivate": "usersync.public",
    "preservation_report": "usersync.public",
    # result types
    "SyncStatus": "usersync.sync.status",
    "LastSync": "usersync.sync.status",
    "SyncPlan": "usersync.sync.backfill",
    "PlannedProfile": "usersync.sync.backfill",
    "SyncResult": "usersync.sync.backfill",
    "BatchResult": "usersync.sync.backfill",
    "CreatedProfile": "usersync.sync.profiles",
    "PreservationReport": "usersync.sync.profiles",
    "PreservedProfile": "usersync.sync.profiles",
    "StaffChange": "usersync.staff.changes",
    "Actor": "usersync.logs.audit",
    # errors
    "UsersyncError": "usersync.errors",
    "BadInput": "usersync.errors",
    "DatabaseUnavailable": "usersync.errors",
    "SyncAlreadyRunning": "usersync.errors",
    "ProfileExists": "usersync.errors",
    "UnknownUser": "usersync.errors",
    "NoProfile": "usersync.errors",
    "NothingToChange": "usersync.errors",
    "LastActiveAdmin": "usersync.errors",
    "OwnProfile": "usersync.errors",
}

__all__ = [
    "Actor",
    "BadInput",
    "BatchResult",
    "CreatedProfile",
    "DatabaseUnavailable",
    "LastActiveAdmin",
    "LastSync",
    "NoProfile",
    "NothingToChange",
    "OwnProfile",
    "PlannedProfile",
    "PreservationReport",
    "PreservedProfile",
    "ProfileExists",
    "StaffChange",
    "SyncAlreadyRunning",
    "SyncPlan",
    "SyncResult",
    "SyncStatus",
    "UnknownUser",
    "UsersyncError",
    "change_role",
    "create_profile",
    "deactivate",
    "plan",
    "preservation_report",
    "reactivate",
    "status",
    "sync_users",
]

if TYPE_CHECKING:
    from usersync.errors import (
        BadInput,
        DatabaseUnavailable,
        LastActiveAdmin,
        NoProfile,
        NothingToChange,
        OwnProfile,
        ProfileExists,
        SyncAlreadyRunning,
        UnknownUser,
        UsersyncError,
    )
    from usersync.logs.audit import Actor
    from usersync.public import (
        change_role,
        create_profile,
        deactivate,
        plan,
        preservation_report,
        reactivate,
        status,
        sync_users,
    )
    from usersync.staff.changes import StaffChange
    from usersync.sync.backfill import BatchResult, PlannedProfile, SyncPlan, SyncResult
    from usersync.sync.profiles import CreatedProfile, PreservationReport, PreservedProfile
    from usersync.sync.status import LastSync, SyncStatus


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'usersync' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # the next look-up does not come here
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
