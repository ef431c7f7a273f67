"""Demo users for the local Supabase stand-in, inserted as Supabase Auth would."""

from __future__ import annotations

import random
from dataclasses import dataclass

from usersync.db.connection import atomic, connection
from usersync.db.rows import fetch_value
from usersync.db.sql import query
from usersync.errors import NotTheStandIn

STANDIN_MARKER = "usersync local Supabase stand-in v1"


@dataclass(frozen=True)
class SeedResult:
    users: int
    without_profiles: int

    def as_dict(self) -> dict:
        return {"users": self.users, "without_profiles": self.without_profiles}


def is_standin() -> bool:
    with connection().cursor() as cursor:
        cursor.execute(
            "SELECT obj_description(to_regnamespace('auth'), 'pg_namespace') = %s",
            [STANDIN_MARKER],
        )
        return bool(fetch_value(cursor))


def seed(
    count: int,
    without_profiles: float = 0.0,
    deleted: float = 0.0,
    seed_value: float | None = None,
) -> SeedResult:
    """Insert `count` auth users as Supabase Auth does; a `without_profiles` share of them
    are legacy users from before the trigger (inserted with triggers off, so they have no
    profile); a `deleted` share of them are soft-deleted."""
    if not is_standin():
        raise NotTheStandIn(
            "refusing to seed: the auth schema here is not the local Supabase stand-in "
            "(demo users are never written into a real Supabase project)"
        )
    seed_value = random.random() if seed_value is None else seed_value
    legacy = round(count * without_profiles)
    with atomic(), connection().cursor() as cursor:
        for kind, how_many in (("legacy", legacy), ("signup", count - legacy)):
            if how_many == 0:
                continue
            # Superuser-only, and fine here: the stand-in is a local development database.
            replication_role = "replica" if kind == "legacy" else "origin"
            cursor.execute(f"SET LOCAL session_replication_role = {replication_role}")
            cursor.execute("SET LOCAL ROLE supabase_auth_admin")
            cursor.execute("SET LOCAL search_path = auth")
            cursor.execute(
                query("seed_auth_users"),
                {
                    "count": how_many,
                    "seed": seed_value * 2 - 1,
                    "deleted_fraction": deleted,
                    "kind": kind,
                },
            )
            cursor.execute("RESET ROLE")
            cursor.execute("RESET search_path")
        cursor.execute("SET LOCAL session_replication_role = origin")
    return SeedResult(users=count, without_profiles=legacy)
