"""The quota of POST /api/chat-errors: at most USERSYNC_CHAT_ERROR_PER_MINUTE entries
per user in any minute and USERSYNC_CHAT_ERROR_PER_DAY in any 24 hours.

Counted in PostgreSQL, over the rows chat_error_log already holds, rather than with a
cache-based limiter: a cache shared by every worker, with atomic increments, is more
infrastructure than this needs, and a per-process cache would multiply the limit by
the number of workers. A per-user transaction lock makes the count and the insert one
step, so concurrent requests of one user cannot overshoot.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from usersync.conf import conf
from usersync.db.connection import atomic, connection
from usersync.db.errors import database_errors
from usersync.db.rows import fetch_one
from usersync.db.sql import query
from usersync.errors import QuotaExceeded
from usersync.logs.records import record_chat_error
from usersync.models import ChatErrorLog


@dataclass(frozen=True)
class Usage:
    last_minute: int
    last_day: int
    minute_frees_in: int | None
    day_frees_in: int | None


def _refusal(usage: Usage) -> QuotaExceeded | None:
    if usage.last_day >= conf.CHAT_ERROR_PER_DAY:
        return QuotaExceeded(
            f"at most {conf.CHAT_ERROR_PER_DAY} chat errors a day; try again later",
            retry_after=max(1, usage.day_frees_in or 1),
        )
    if usage.last_minute >= conf.CHAT_ERROR_PER_MINUTE:
        return QuotaExceeded(
            f"at most {conf.CHAT_ERROR_PER_MINUTE} chat errors a minute; try again later",
            retry_after=max(1, usage.minute_frees_in or 1),
        )
    return None


def record_within_quota(
    user_id: uuid.UUID, error_type: Any, message: Any, context: Any
) -> ChatErrorLog:
    """record_chat_error for a signed-in caller, or QuotaExceeded (HTTP 429) with the
    seconds until one more is allowed."""
    with database_errors(), atomic():
        with connection().cursor() as cursor:
            cursor.execute(query("chat_error_quota_lock"), {"user_id": user_id})
            cursor.execute(query("chat_error_quota"), {"user_id": user_id})
            usage = fetch_one(cursor, into=Usage)
        assert usage is not None  # an aggregate always returns its row
        if refusal := _refusal(usage):
            raise refusal
        return record_chat_error(user_id, error_type, message, context)
