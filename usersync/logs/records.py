"""The application's own logs: user activity (sign-ins) and AI-chat errors.

    from usersync.logs.records import record_chat_error

    try:
        answer = chat_model.reply(prompt)
    except ChatModelError as error:
        record_chat_error(user_id, "model_timeout", str(error), {"conversation": conv_id})
        raise

Old entries are removed by `python manage.py prune_logs --older-than 90d`.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from usersync.db.errors import database_errors
from usersync.errors import InvalidField
from usersync.ids import parse_user_id
from usersync.models import ChatErrorLog, UserActivityLog

ERROR_TYPE_MAX_LENGTH = 100
MESSAGE_MAX_LENGTH = 10_000
CONTEXT_MAX_BYTES = 8_192
USER_AGENT_MAX_LENGTH = 500


def record_activity(
    user_id: uuid.UUID | None,
    activity_type: str,
    details: dict[str, Any] | None = None,
    ip_address: str | None = None,
    user_agent: str | None = None,
) -> UserActivityLog:
    with database_errors():
        return UserActivityLog.objects.create(
            user_id=user_id,
            activity_type=activity_type[:50],
            details=details or {},
            ip_address=ip_address or None,
            user_agent=(user_agent or "")[:USER_AGENT_MAX_LENGTH] or None,
        )


def _clean_context(context: Any) -> dict:
    if context is None:
        return {}
    if not isinstance(context, dict):
        raise InvalidField("context", "context must be a JSON object")
    try:
        # allow_nan=False: PostgreSQL's json has no NaN or infinities (Python callers).
        text = json.dumps(context, cls=DjangoJSONEncoder, allow_nan=False)
    except ValueError:
        raise InvalidField(
            "context", "context holds NaN or an infinity, which JSON cannot"
        ) from None
    if len(text.encode()) > CONTEXT_MAX_BYTES:
        raise InvalidField("context", f"context is larger than {CONTEXT_MAX_BYTES} bytes")
    return json.loads(text)


def record_chat_error(
    user_id: str | uuid.UUID | None,
    error_type: str,
    message: str,
    context: dict[str, Any] | None = None,
) -> ChatErrorLog:
    """Record one AI-chat error (user, kind of error, message, context). A message longer
    than 10,000 characters is cut; a bad error_type or context raises InvalidField."""
    if not isinstance(error_type, str) or not error_type.strip():
        raise InvalidField("error_type", "error_type is required (a short name of the error)")
    if len(error_type.strip()) > ERROR_TYPE_MAX_LENGTH:
        raise InvalidField(
            "error_type", f"error_type is longer than {ERROR_TYPE_MAX_LENGTH} characters"
        )
    if not isinstance(message, str) or not message.strip():
        raise InvalidField("message", "message is required")
    user = parse_user_id(user_id) if user_id is not None else None
    with database_errors():
        return ChatErrorLog.objects.create(
            user_id=user,
            error_type=error_type.strip(),
            message=message[:MESSAGE_MAX_LENGTH],
            context=_clean_context(context),
        )
