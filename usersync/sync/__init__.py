"""The sync engine: status, the dry-run plan, the batched backfill and its one-at-a-time
lease, and single-profile operations. Callers use `from usersync import sync` and
`sync.status()`, `sync.plan()`, `sync.sync()`."""

from usersync.sync.backfill import (
    FIRST_ID,
    BatchResult,
    PlannedProfile,
    SyncPlan,
    SyncResult,
    plan,
    planned_profiles,
    sync,
)
from usersync.sync.status import (
    LastSync,
    RunningSync,
    SyncStatus,
    last_sync,
    running_sync,
    status,
    users_to_scan,
)

__all__ = [
    "FIRST_ID",
    "BatchResult",
    "LastSync",
    "PlannedProfile",
    "RunningSync",
    "SyncPlan",
    "SyncResult",
    "SyncStatus",
    "last_sync",
    "plan",
    "planned_profiles",
    "running_sync",
    "status",
    "sync",
    "users_to_scan",
]
