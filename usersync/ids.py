"""User ids as people type them: a UUID, or one clear line saying what was expected."""

from __future__ import annotations

import uuid

from usersync.errors import BadInput


def parse_user_id(value: str | uuid.UUID) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value).strip())
    except ValueError:
        raise BadInput(
            f"not a user id (a UUID like 123e4567-e89b-12d3-a456-426614174000): {str(value)[:80]!r}"
        ) from None
