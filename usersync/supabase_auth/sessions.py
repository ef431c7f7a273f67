"""Ending a user's Supabase Auth sessions, so that a deactivation takes effect in every
client: without a session no refresh token works, and the access token hook refuses
new access tokens. Runs in the caller's transaction."""

from __future__ import annotations

import uuid

from usersync.db.connection import connection
from usersync.db.rows import fetch_value
from usersync.db.sql import query


def revoke_sessions(user_id: uuid.UUID) -> int | None:
    """Delete the user's rows in auth.sessions (their refresh tokens stop working: the
    token rows cascade, newer ones lose the session's signing key) and return
    how many sessions there were; None where the database has no auth.sessions."""
    with connection().cursor() as cursor:
        cursor.execute("SELECT to_regclass('auth.sessions') IS NOT NULL")
        if not fetch_value(cursor):
            return None
        cursor.execute(query("revoke_sessions"), {"user_id": user_id})
        return cursor.rowcount
