"""Deactivation as Supabase Auth's own ban (auth.users.banned_until), so that a
deactivated user is locked out by the auth service itself, whether or not the access
token hook is switched on. Runs in the caller's transaction.

The ban's end is BANNED_UNTIL, 2999-12-31 23:59:59 UTC, a fixed finite date:
- finite, because the auth service reads banned_until into a Go time.Time
  (internal/models/user.go: `BannedUntil *time.Time`, `IsBanned()` is
  `time.Now().Before(*u.BannedUntil)`); PostgreSQL's 'infinity' cannot be read into one,
  and loading that user would fail;
- later than any ban Supabase can set: its admin API bans for a `ban_duration` parsed by
  Go's time.ParseDuration (at most about 292 years; a "permanent" ban is 876000h, about
  100 years, from now), so a ban ending on this exact instant is usersync's, and one
  ending on any other is Supabase's;
- fixed, so that a reactivation can tell it apart (it compares with the value recorded
  in the deactivation's audit entry) and a person reading auth.users sees whose it is.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from usersync.db.connection import connection
from usersync.db.rows import fetch_one
from usersync.db.sql import query

BANNED_UNTIL = dt.datetime(2999, 12, 31, 23, 59, 59, tzinfo=dt.UTC)
# The audit entries' details key: what usersync did to banned_until.
DETAILS_KEY = "supabase_auth_ban"


def _iso(value: dt.datetime | None) -> str | None:
    # Full precision (the audit log's JSON encoder would keep milliseconds only).
    return value.isoformat() if value is not None else None


def ban(user_id: uuid.UUID) -> dict[str, Any] | None:
    """Set the user's banned_until to BANNED_UNTIL; what to record in the audit entry
    (the value set and the one replaced), or None when there is no such auth user."""
    with connection().cursor() as cursor:
        cursor.execute(query("auth_ban_set"), {"user_id": user_id, "banned_until": BANNED_UNTIL})
        row = fetch_one(cursor)
    if row is None:
        return None
    return {
        "set_by_usersync": True,
        "banned_until": _iso(row["banned_until"]),
        "previous_banned_until": _iso(row["previous_banned_until"]),
    }


def lift(user_id: uuid.UUID, recorded: dict[str, Any]) -> dict[str, Any]:
    """Lift the ban recorded by a deactivation (ban()'s record), only while it is still
    in place; restore the ban it replaced. What to record in the reactivation's entry."""
    with connection().cursor() as cursor:
        cursor.execute(
            query("auth_ban_lift"),
            {
                "user_id": user_id,
                "banned_until": dt.datetime.fromisoformat(recorded["banned_until"]),
                "restore": _parse(recorded.get("previous_banned_until")),
            },
        )
        row = fetch_one(cursor)
    if row is None:
        return {"lifted": False, "left_as_is": "banned_until was changed outside usersync"}
    return {"lifted": True, "banned_until": _iso(row["banned_until"])}


def _parse(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None
