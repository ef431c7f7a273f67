"""One signed-in Supabase user as the application sees them: may they in, and keeping
their profile, last_login and sign-in record current. Used by usersync.access.decorators
(the application's views), the user-management API and usersync.contrib.drf."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from usersync.access.tokens import Claims
from usersync.conf import conf
from usersync.db.connection import atomic, connection
from usersync.db.rows import fetch_one, fetch_value
from usersync.db.sql import query
from usersync.errors import ProfileExists, database_errors
from usersync.logs import audit
from usersync.logs import records as logs
from usersync.sync.profiles import create_profile

ON_DEMAND_ACTOR = "usersync:profile-on-sign-in"


class AccessRefused(Exception):
    """A valid token whose user may not in: `status` 401 (the user is gone) or 403."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class AppUser:
    user_id: uuid.UUID
    email: str | None
    deleted_at: datetime | None
    banned: bool
    has_profile: bool
    role: str | None
    is_active: bool | None
    last_login: datetime | None
    profile_created: bool = False  # made on this request, because they had none

    @property
    def active(self) -> bool:
        """Active means is_active is true: a NULL is refused, like false (fail closed)."""
        return self.has_profile and self.is_active is True

    @property
    def is_admin(self) -> bool:
        return self.active and self.role == conf.ADMIN_ROLE

    def as_dict(self) -> dict:
        return {
            "user_id": str(self.user_id),
            "email": self.email,
            "role": self.role,
            "is_active": self.is_active,
            "profile_created": self.profile_created,
        }


def lookup(user_id: uuid.UUID) -> AppUser | None:
    with database_errors(), connection().cursor() as cursor:
        cursor.execute(query("app_user"), {"user_id": user_id})
        return fetch_one(cursor, into=AppUser)


def ensure_profile(user: AppUser) -> AppUser:
    """The user with a profile: made now (default role, active, audited) if they had
    none. Race-safe: a profile made meanwhile by the trigger, a sync or a concurrent
    request is simply used."""
    if user.has_profile:
        return user
    created = True
    try:
        create_profile(
            user.user_id,
            actor=audit.Actor(ON_DEMAND_ACTOR, auth_user_id=user.user_id),
        )
    except ProfileExists:
        created = False
    fresh = lookup(user.user_id)
    assert fresh is not None  # the auth user existed a moment ago; a delete cascades
    return replace(fresh, profile_created=created)


def track_sign_in(
    user: AppUser,
    session_id: str | None,
    *,
    details: dict[str, Any] | None = None,
    ip_address: str | None = None,
    user_agent: str | None = None,
) -> bool:
    """Write last_login at most once per USERSYNC_LAST_LOGIN_INTERVAL_SECONDS, and then,
    if the token's session is not the last one recorded, a `sign_in` activity entry.
    Returns whether last_login was written (most requests write nothing)."""
    interval = conf.LAST_LOGIN_INTERVAL_SECONDS
    if user.last_login and timezone.now() - user.last_login < timedelta(seconds=interval):
        return False
    with database_errors(), atomic(), connection().cursor() as cursor:
        cursor.execute(
            query("touch_last_login"), {"user_id": user.user_id, "interval_seconds": interval}
        )
        if fetch_one(cursor) is None:
            return False  # another request of theirs was first
        cursor.execute(query("last_sign_in_session"), {"user_id": user.user_id})
        last_session = fetch_value(cursor)
        if session_id is not None and last_session == session_id:
            return True
        logs.record_activity(
            user.user_id,
            "sign_in",
            {"session_id": session_id} | (details or {}),
            ip_address=ip_address,
            user_agent=user_agent,
        )
    return True


def admit(
    claims: Claims,
    *,
    create_missing_profile: bool = True,
    roles: Iterable[str] | None = None,
) -> AppUser:
    """The user of verified claims, allowed in: their profile made now if they have none
    (unless told not to); AccessRefused for a deleted, banned or deactivated user, or one
    without any of `roles`."""
    user = lookup(claims.user_id)
    if user is None or user.deleted_at is not None:
        raise AccessRefused(401, "the token's user no longer exists")
    if user.banned:
        raise AccessRefused(403, "account banned")
    if not user.has_profile and create_missing_profile:
        user = ensure_profile(user)
    if user.has_profile and not user.active:
        raise AccessRefused(403, "account deactivated")
    if roles is not None and (not user.has_profile or user.role not in set(roles)):
        raise AccessRefused(403, f"this needs the role {' or '.join(sorted(set(roles)))}")
    return user


def track_token_sign_in(
    user: AppUser,
    claims: Claims,
    *,
    ip_address: str | None = None,
    user_agent: str | None = None,
) -> bool:
    """track_sign_in for a request made with a token: its session and sign-in methods."""
    if not user.has_profile:
        return False
    methods = [m.get("method") for m in claims.raw.get("amr") or [] if isinstance(m, dict)]
    return track_sign_in(
        user,
        claims.session_id,
        details={"methods": methods} if methods else None,
        ip_address=ip_address,
        user_agent=user_agent,
    )
