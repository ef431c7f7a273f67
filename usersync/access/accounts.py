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
from usersync.db.errors import database_errors
from usersync.db.rows import fetch_one, fetch_value
from usersync.db.sql import query
from usersync.errors import NotMigrated, ProfileExists
from usersync.logs import audit
from usersync.logs import records as logs
from usersync.sync.profiles import create_profile

ON_DEMAND_ACTOR = "usersync:profile-on-sign-in"
# The auth service's own wording (supabase/auth internal/api/auth.go).
SESSION_NOT_FOUND = "Session from session_id claim in JWT does not exist"
OAUTH_CLIENT_REFUSED = "tokens issued to third-party OAuth clients are not accepted here"
SESSIONS_TABLE_MISSING = (
    "auth.sessions does not exist in the database, and the account query reads it to "
    "refuse signed-out tokens (USERSYNC_CHECK_SESSIONS); see system check usersync.E024"
)


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
    session_exists: bool = True  # the token's session is in auth.sessions (or unchecked)
    # From the token: the third-party OAuth client it was issued to, and its scopes.
    client_id: str | None = None
    scopes: tuple[str, ...] = ()

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


def lookup(user_id: uuid.UUID, session_id: uuid.UUID | None = None) -> AppUser | None:
    """The auth user and their profile; with a session_id, also whether that session of
    theirs still exists (session_exists), in the same statement."""
    try:
        with database_errors(), connection().cursor() as cursor:
            cursor.execute(query("app_user"), {"user_id": user_id, "session_id": session_id})
            return fetch_one(cursor, into=AppUser)
    except NotMigrated as error:
        if '"auth.sessions"' in str(error):
            raise NotMigrated(SESSIONS_TABLE_MISSING) from error
        raise


def session_to_check(claims: Claims) -> uuid.UUID | None:
    """The session whose existence decides whether the token is still good: the token's
    session_id, unless USERSYNC_CHECK_SESSIONS is off or the token names none."""
    if not conf.CHECK_SESSIONS or claims.session_id is None:
        return None
    return uuid.UUID(claims.session_id)


def oauth_client_allowed(client_id: str | None, allow: bool | None = None) -> bool:
    """Whether a token of this third-party OAuth client (None: the user's own token) may
    in: as `allow` says, or when it is None, as USERSYNC_ALLOW_OAUTH_CLIENTS says."""
    if client_id is None:
        return True
    return conf.ALLOW_OAUTH_CLIENTS if allow is None else allow


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
    allow_oauth_clients: bool | None = None,
) -> AppUser:
    """The user of verified claims, allowed in: their profile made now if they have none
    (unless told not to); AccessRefused for a deleted user or an ended session (401), a
    third-party OAuth client's token unless allowed (see oauth_client_allowed), a banned
    or deactivated user, or one without any of `roles` (403)."""
    user = lookup(claims.user_id, session_to_check(claims))
    if user is None or user.deleted_at is not None:
        raise AccessRefused(401, "the token's user no longer exists")
    if not user.session_exists:
        raise AccessRefused(401, SESSION_NOT_FOUND)
    if not oauth_client_allowed(claims.client_id, allow_oauth_clients):
        raise AccessRefused(403, OAUTH_CLIENT_REFUSED)
    if user.banned:
        raise AccessRefused(403, "account banned")
    if not user.has_profile and create_missing_profile:
        user = ensure_profile(user)
    if user.has_profile and not user.active:
        raise AccessRefused(403, "account deactivated")
    if roles is not None and (not user.has_profile or user.role not in set(roles)):
        raise AccessRefused(403, f"this needs the role {' or '.join(sorted(set(roles)))}")
    return replace(user, client_id=claims.client_id, scopes=claims.scopes)


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
    methods = list(claims.amr_methods)
    return track_sign_in(
        user,
        claims.session_id,
        details={"methods": methods} if methods else None,
        ip_address=ip_address,
        user_agent=user_agent,
    )
