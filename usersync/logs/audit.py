"""Entries in admin_audit_log: who changed which user's data, from what to what, why."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from usersync.models import AdminAuditLog


@dataclass(frozen=True)
class Actor:
    """Who acts: a Django user or a command ('command:sync_users'), and the Supabase
    auth user linked to them, when there is one. `must_be_admin`: the actor acts by
    being an active admin (an API caller), which each change checks again under lock."""

    name: str
    auth_user_id: uuid.UUID | None = None
    must_be_admin: bool = False


def _jsonable(values: dict[str, Any] | None) -> dict[str, Any] | None:
    if values is None:
        return None
    import json

    return json.loads(json.dumps(values, cls=DjangoJSONEncoder))


def record(
    actor: Actor,
    action: str,
    target_user_id: uuid.UUID | None,
    *,
    old_values: dict[str, Any] | None = None,
    new_values: dict[str, Any] | None = None,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
) -> AdminAuditLog:
    return AdminAuditLog.objects.create(
        actor=actor.name[:150],
        actor_user_id=actor.auth_user_id,
        action=action,
        target_user_id=target_user_id,
        old_values=_jsonable(old_values),
        new_values=_jsonable(new_values),
        reason=reason,
        details=_jsonable(details or {}),
    )
