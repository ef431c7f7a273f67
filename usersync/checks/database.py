"""System check for the database settings: Supabase's transaction pooler (port 6543).

Through a transaction-mode pooler, consecutive transactions of one client may run on
different server connections. Django's server-side cursors (QuerySet.iterator() on
PostgreSQL) are named cursors that live across fetches on one server connection, so they
fail there ("cursor ... does not exist") unless DISABLE_SERVER_SIDE_CURSORS is set.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage
from django.core.checks import Warning as CheckWarning

TRANSACTION_POOLER_PORT = "6543"
W006 = "usersync.W006"


def _port(database: Mapping[str, Any]) -> str:
    port = database.get("PORT") or (database.get("OPTIONS") or {}).get("port") or ""
    return str(port).strip()


def transaction_pooler_warnings(databases: Mapping[str, Mapping[str, Any]]) -> list[CheckMessage]:
    """A warning for each PostgreSQL alias on port 6543 with server-side cursors on."""
    warnings: list[CheckMessage] = []
    for alias, database in databases.items():
        if "postgresql" not in str(database.get("ENGINE", "")):
            continue
        if _port(database) != TRANSACTION_POOLER_PORT:
            continue
        if database.get("DISABLE_SERVER_SIDE_CURSORS"):
            continue
        warnings.append(
            CheckWarning(
                f"DATABASES[{alias!r}] uses port {TRANSACTION_POOLER_PORT} (Supabase's "
                f"transaction pooler) with server-side cursors, which a transaction pooler "
                f"cannot keep: QuerySet.iterator() fails there.",
                hint=f"Set DATABASES[{alias!r}]['DISABLE_SERVER_SIDE_CURSORS'] = True, or "
                f"connect through the session pooler (port 5432).",
                id=W006,
            )
        )
    return warnings


def check_transaction_pooler(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    return transaction_pooler_warnings(settings.DATABASES)
