"""Per-user profile operations: create one by hand, and report what data a profile
holds that --no-preserve would overwrite."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime

from usersync.conf import conf
from usersync.db.connection import atomic, connection
from usersync.db.errors import database_errors
from usersync.db.rows import fetch_all, fetch_one
from usersync.db.sql import query
from usersync.db.transactions import read_only_snapshot
from usersync.errors import BadInput, OwnProfile, ProfileExists, UnknownUser
from usersync.ids import parse_user_id
from usersync.logs import audit
from usersync.models import UserProfile
from usersync.roles import check_role, default_role
from usersync.signals import profile_created, send_on_commit
from usersync.supabase_auth.sessions import revoke_sessions
from usersync.sync import counts

INACTIVE_AT_CREATION = "created inactive"


@dataclass(frozen=True)
class CreatedProfile:
    id: uuid.UUID
    user_id: uuid.UUID
    role: str
    is_active: bool
    deactivated_at: datetime | None
    deactivation_reason: str | None
    sso_provider: str | None
    sso_user_id: str | None
    last_login: datetime | None
    created_at: datetime

    def as_dict(self) -> dict:
        return {
            "id": str(self.id),
            "user_id": str(self.user_id),
            "role": self.role,
            "is_active": self.is_active,
            "deactivated_at": self.deactivated_at.isoformat() if self.deactivated_at else None,
            "deactivation_reason": self.deactivation_reason,
            "sso_provider": self.sso_provider,
            "sso_user_id": self.sso_user_id,
            "last_login": self.last_login.isoformat() if self.last_login else None,
            "created_at": self.created_at.isoformat(),
        }


def _describe_existing(user_id: uuid.UUID, role: str, is_active: bool | None) -> str:
    state = "active" if is_active else "inactive"
    return (
        f"user {user_id} already has a profile (role {role}, {state}); nothing changed. "
        f"Change it in the admin, or see: python manage.py preservation_report {user_id}"
    )


def create_profile(
    user_id: str | uuid.UUID,
    role: str | None = None,
    active: bool = True,
    actor: audit.Actor | None = None,
) -> CreatedProfile:
    """Create the profile of one auth user (role: USERSYNC_DEFAULT_ROLE unless given),
    audited; created inactive, it also ends the user's Supabase Auth sessions. Raises
    BadInput for a malformed id, an unknown or soft-deleted user, an unknown role, or an
    existing profile; OwnProfile when the actor chooses their own profile's role;
    Misconfigured when the default role is the admin role."""
    user_id = parse_user_id(user_id)
    role = check_role(default_role() if role is None else role)
    actor = actor or audit.Actor("usersync")
    if actor.auth_user_id == user_id and role != conf.DEFAULT_ROLE:
        raise OwnProfile(f"you cannot choose the role of your own profile (user {user_id})")
    with database_errors(), atomic(), connection().cursor() as cursor:
        cursor.execute(query("user_lookup"), {"user_id": user_id})
        user = fetch_one(cursor)
        if user is None:
            raise UnknownUser(f"no auth user with id {user_id}")
        if user["deleted_at"] is not None:
            raise BadInput(
                f"user {user_id} was deleted on {user['deleted_at']:%Y-%m-%d} (deleted_at is "
                f"set); deleted users get no profile"
            )
        if user["role"] is not None:
            raise ProfileExists(_describe_existing(user_id, user["role"], user["is_active"]))
        cursor.execute(
            query("create_profile"),
            {"user_id": user_id, "role": role, "is_active": active, "reason": INACTIVE_AT_CREATION},
        )
        profile = fetch_one(cursor, into=CreatedProfile)
        if profile is None:  # made by a sign-up or a sync since the look-up
            cursor.execute(query("user_lookup"), {"user_id": user_id})
            now = fetch_one(cursor)
            raise ProfileExists(_describe_existing(user_id, now["role"], now["is_active"]))
        details: dict = {"email": user["email"]}
        # Created inactive is a deactivation too: the user's sessions end with it.
        sessions = None if active else revoke_sessions(user_id)
        if sessions is not None:
            details["sessions_revoked"] = sessions
        audit.record(
            actor,
            "profile_created",
            user_id,
            new_values={k: v for k, v in profile.as_dict().items() if k not in {"id", "user_id"}},
            reason=None if active else INACTIVE_AT_CREATION,
            details=details,
        )
        send_on_commit(
            profile_created,
            UserProfile,
            user_id=user_id,
            actor=actor.name,
            actor_user_id=actor.auth_user_id,
            reason=None if active else INACTIVE_AT_CREATION,
        )
        counts.refresh_after_change()
    return profile


@dataclass(frozen=True)
class PreservedProfile:
    user_id: uuid.UUID
    email: str | None
    preserved: dict

    def as_dict(self) -> dict:
        return {"user_id": str(self.user_id), "email": self.email, "preserved": self.preserved}


@dataclass(frozen=True)
class PreservationReport:
    profiles_examined: int
    profiles_with_data: int
    profiles: list[PreservedProfile]
    users_without_profile: list[uuid.UUID]
    unknown_user_ids: list[uuid.UUID]

    @property
    def truncated(self) -> bool:
        return self.profiles_with_data > len(self.profiles)

    def as_dict(self) -> dict:
        return {
            "summary": {
                "profiles_examined": self.profiles_examined,
                "profiles_with_data": self.profiles_with_data,
                "profiles_with_defaults_only": self.profiles_examined - self.profiles_with_data,
                "users_without_profile": len(self.users_without_profile),
                "unknown_user_ids": len(self.unknown_user_ids),
            },
            "profiles": [p.as_dict() for p in self.profiles],
            "truncated": self.truncated,
            "users_without_profile": [str(u) for u in self.users_without_profile],
            "unknown_user_ids": [str(u) for u in self.unknown_user_ids],
        }


def preservation_report(
    user_ids: list[str | uuid.UUID] | None = None, limit: int | None = None
) -> PreservationReport:
    """Which profiles hold data other than the defaults (what --no-preserve would
    overwrite). `limit` bounds the listing, never the summary counts."""
    ids = [parse_user_id(u) for u in user_ids] if user_ids else None
    params = {"user_ids": ids, "limit": limit}

    with database_errors(), read_only_snapshot(), connection().cursor() as cursor:
        cursor.execute(query("preservation_report"), params)
        rows = fetch_all(cursor)
        cursor.execute(query("preservation_summary"), params)
        summary = fetch_one(cursor)
    return PreservationReport(
        profiles_examined=summary["profiles"],
        profiles_with_data=rows[0]["total_with_data"] if rows else 0,
        # Django's cursor returns jsonb as text (its JSONField decodes it); so do we.
        profiles=[
            PreservedProfile(
                user_id=r["user_id"], email=r["email"], preserved=json.loads(r["preserved"])
            )
            for r in rows
        ],
        users_without_profile=list(summary["without_profile"]),
        unknown_user_ids=list(summary["unknown"]),
    )
