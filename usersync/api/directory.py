"""The user-management API's reads: auth.users joined to user_profiles, one user or a
page of them (keyset pagination over auth.users.id: stable, and as fast on page 10,000
as on page 1)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from usersync.db.connection import connection
from usersync.db.errors import database_errors
from usersync.db.rows import fetch_all, fetch_one
from usersync.db.sql import query
from usersync.sync import FIRST_ID

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50
SEARCH_MAX_LENGTH = 254


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


@dataclass(frozen=True)
class UserRow:
    id: uuid.UUID
    email: str | None
    phone: str | None
    provider: str
    role: str | None
    is_active: bool | None
    last_sign_in_at: datetime | None
    last_login: datetime | None
    created_at: datetime | None
    has_profile: bool
    deleted_at: datetime | None

    def as_dict(self) -> dict:
        return {
            "id": str(self.id),
            "email": self.email,
            "phone": self.phone,
            "provider": self.provider,
            "role": self.role,
            "is_active": self.is_active,
            "last_sign_in_at": _iso(self.last_sign_in_at),
            "last_login": _iso(self.last_login),
            "created_at": _iso(self.created_at),
            "has_profile": self.has_profile,
            "deleted_at": _iso(self.deleted_at),
        }


@dataclass(frozen=True)
class UserDetail(UserRow):
    is_anonymous: bool
    email_confirmed_at: datetime | None
    deactivated_at: datetime | None
    deactivated_by: uuid.UUID | None
    deactivation_reason: str | None
    sso_provider: str | None
    sso_user_id: str | None
    profile_created_at: datetime | None
    profile_updated_at: datetime | None

    def as_dict(self) -> dict:
        return super().as_dict() | {
            "is_anonymous": self.is_anonymous,
            "email_confirmed_at": _iso(self.email_confirmed_at),
            "deactivated_at": _iso(self.deactivated_at),
            "deactivated_by": str(self.deactivated_by) if self.deactivated_by else None,
            "deactivation_reason": self.deactivation_reason,
            "sso_provider": self.sso_provider,
            "sso_user_id": self.sso_user_id,
            "profile_created_at": _iso(self.profile_created_at),
            "profile_updated_at": _iso(self.profile_updated_at),
        }


@dataclass(frozen=True)
class UserFilters:
    role: str | None = None
    active: bool | None = None
    missing_profile: bool | None = None
    email_contains: str | None = None

    def as_params(self) -> dict:
        like = None
        if self.email_contains:
            escaped = self.email_contains.replace("\\", "\\\\").replace("%", r"\%")
            like = "%" + escaped.replace("_", r"\_") + "%"
        return {
            "role": self.role,
            "active": self.active,
            "missing_profile": self.missing_profile,
            "email_like": like,
        }


@dataclass(frozen=True)
class Page:
    users: list[UserRow]
    next_after: uuid.UUID | None  # pass as `after` for the next page; None: last page

    def as_dict(self) -> dict:
        return {
            "results": [u.as_dict() for u in self.users],
            "count": len(self.users),
            "next_after": str(self.next_after) if self.next_after else None,
        }


def list_users(
    filters: UserFilters | None = None,
    after: uuid.UUID | None = None,
    limit: int = DEFAULT_PAGE_SIZE,
) -> Page:
    """Users with id > after, in id order, at most `limit` (1..MAX_PAGE_SIZE)."""
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    params = (filters or UserFilters()).as_params() | {
        "after": after or FIRST_ID,
        "limit": limit + 1,  # one more tells whether a next page exists
    }
    with database_errors(), connection().cursor() as cursor:
        cursor.execute(query("users_page"), params)
        rows = fetch_all(cursor, into=UserRow)
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, rows[-1].id if more else None)


def get_user(user_id: uuid.UUID) -> UserDetail | None:
    with database_errors(), connection().cursor() as cursor:
        cursor.execute(query("user_detail"), {"user_id": user_id})
        return fetch_one(cursor, into=UserDetail)
