"""The sync's mend of one drift between usersync and Supabase Auth: a deactivated
profile whose ban in Supabase Auth was lifted by hand (the rule is
usersync.user_accounts.ban_lifted_by_hand, profile_rules.v5.sql). sync_users bans such
users again, in batches of one short transaction each, and audits every ban it sets.
With USERSYNC_BAN_IN_SUPABASE_AUTH off there is no such drift and nothing is mended."""

from __future__ import annotations

import uuid

from usersync.db.connection import atomic, connection
from usersync.db.rows import fetch_all, fetch_one
from usersync.db.sql import query
from usersync.supabase_auth.bans import BANNED_UNTIL

FIRST_ID = uuid.UUID(int=0)
# The sync's lock wait: no staff action waits long for a mend.
LOCK_TIMEOUT = "5s"


def mend_bans(batch_size: int, actor: str, run_id: int) -> int:
    """Ban again every user whose deactivated profile is not banned in Supabase Auth;
    how many were banned (each with an audit entry)."""
    after, banned = FIRST_ID, 0
    while True:
        with atomic(), connection().cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
            cursor.execute(query("ban_drift_lock"), {"after": after, "limit": batch_size})
            user_ids = [row["user_id"] for row in fetch_all(cursor)]
            if not user_ids:
                return banned
            # A new statement, a new snapshot: what the locked profiles hold now.
            cursor.execute(
                query("ban_drift_mend"),
                {
                    "user_ids": user_ids,
                    "banned_until": BANNED_UNTIL,
                    "actor": actor,
                    "run_id": run_id,
                },
            )
            banned += fetch_one(cursor)["banned"]
        after = user_ids[-1]
