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
    sync,
)
from usersync.sync.status import (
    LastSync,
    SyncStatus,
    estimated_auth_users,
    last_sync,
    read_only_snapshot,
    status,
)

__all__ = [
    "FIRST_ID",
    "BatchResult",
    "LastSync",
    "PlannedProfile",
    "SyncPlan",
    "SyncResult",
    "SyncStatus",
    "estimated_auth_users",
    "last_sync",
    "plan",
    "read_only_snapshot",
    "status",
    "sync",
]
