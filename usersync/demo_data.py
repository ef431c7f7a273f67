"""Demo users for the local Supabase stand-in, inserted as Supabase Auth would."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass

from django.db import connection, transaction

from usersync.sql_files import query

STANDIN_MARKER = "usersync local Supabase stand-in v1"


class NotTheStandIn(RuntimeError):
    """Demo data goes only into the local stand-in, never into a real Supabase project."""


@dataclass(frozen=True)
class SeedResult:
    users: int
    without_profiles: int

    def as_dict(self) -> dict:
        return {"users": self.users, "without_profiles": self.without_profiles}


def is_standin() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT obj_description(to_regnamespace('auth'), 'pg_namespace') = %s",
            [STANDIN_MARKER],
        )
        return bool(cursor.fetchone()[0])


def seed(
    count: int,
    without_profiles: float = 0.0,
    deleted: float = 0.0,
    seed_value: float | None = None,
) -> SeedResult:
    """Insert `count` auth users; `without_profiles` of them lose the profile the trigger
    made (legacy users from before the trigger); `deleted` of them are soft-deleted."""
    if not is_standin():
        raise NotTheStandIn(
            "refusing to seed: the auth schema here is not the local Supabase stand-in "
            "(demo users are never written into a real Supabase project)"
        )
    seed_value = random.random() if seed_value is None else seed_value
    batch = uuid.uuid4().hex[:12]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL ROLE supabase_auth_admin")
        cursor.execute("SET LOCAL search_path = auth")
        cursor.execute(
            query("seed_auth_users"),
            {
                "count": count,
                "seed": seed_value * 2 - 1,
                "legacy_fraction": without_profiles,
                "deleted_fraction": deleted,
                "batch": batch,
            },
        )
        cursor.execute("RESET ROLE")
        cursor.execute("RESET search_path")
        cursor.execute(query("forget_legacy_profiles"), {"batch": batch})
        forgotten = cursor.rowcount
    return SeedResult(users=count, without_profiles=forgotten)
