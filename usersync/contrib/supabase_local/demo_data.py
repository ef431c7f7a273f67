"""Demo users for the local Supabase stand-in, inserted as Supabase Auth would."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import cache

from usersync.db.connection import atomic, connection, migrate_command
from usersync.db.errors import database_address, database_errors
from usersync.db.rows import fetch_value
from usersync.db.sql import query
from usersync.errors import NotMigrated, NotTheStandIn

STANDIN_MARKER = "usersync local Supabase stand-in v1"
NAMES_PER_POOL = 400
# Without Faker (it comes with the test tools, not with usersync): a few names suffice.
FALLBACK_FIRST_NAMES = ["Ada", "Grace", "Alan", "Linus", "Margaret", "Ken", "Barbara", "Dennis"]
FALLBACK_LAST_NAMES = ["Lovelace", "Hopper", "Turing", "Torvalds", "Hamilton", "Thompson"]
PLAIN_NAME = re.compile(r"^[A-Za-z]{2,20}$")


@dataclass(frozen=True)
class SeedResult:
    users: int
    without_profiles: int
    deleted: int = 0

    def as_dict(self) -> dict:
        return {
            "users": self.users,
            "without_profiles": self.without_profiles,
            "deleted": self.deleted,
        }


def is_standin() -> bool:
    with connection().cursor() as cursor:
        cursor.execute(
            "SELECT obj_description(to_regnamespace('auth'), 'pg_namespace') = %s",
            [STANDIN_MARKER],
        )
        return bool(fetch_value(cursor))


def require_migrated() -> None:
    """Seeding needs the stand-in's auth schema and usersync's tables: both come from
    migrate."""
    with connection().cursor() as cursor:
        cursor.execute(
            "SELECT to_regnamespace('auth') IS NOT NULL "
            "AND to_regclass('public.user_profiles') IS NOT NULL"
        )
        if not fetch_value(cursor):
            raise NotMigrated(
                f"the database at {database_address()} is not migrated yet (no auth schema "
                f"or no user_profiles); run: {migrate_command()}"
            )


@cache
def name_pools() -> tuple[list[str], list[str]]:
    """First and last names for demo people: plain ASCII ones, so that they also make
    readable e-mail addresses."""
    try:
        from faker import Faker
    except ImportError:
        return FALLBACK_FIRST_NAMES, FALLBACK_LAST_NAMES
    fake = Faker("en_US")
    fake.seed_instance(2026)

    def pool(make) -> list[str]:
        names = {make() for _ in range(NAMES_PER_POOL * 3)}
        return sorted(name for name in names if PLAIN_NAME.match(name))[:NAMES_PER_POOL]

    return pool(fake.first_name), pool(fake.last_name)


def seed(
    count: int,
    without_profiles: float = 0.0,
    deleted: float = 0.0,
    seed_value: float | None = None,
) -> SeedResult:
    """Insert `count` auth users as Supabase Auth does; a `without_profiles` share of them
    are legacy users from before the trigger (inserted with triggers off, so they have no
    profile); a `deleted` share of them are soft-deleted. Both shares are exact (rounded
    to whole users), not per-row chances."""
    with database_errors():
        require_migrated()
        return _seed(count, without_profiles, deleted, seed_value)


def _seed(
    count: int, without_profiles: float, deleted: float, seed_value: float | None
) -> SeedResult:
    if not is_standin():
        raise NotTheStandIn(
            "refusing to seed: the auth schema here is not the local Supabase stand-in "
            "(demo users are never written into a real Supabase project)"
        )
    seed_value = random.random() if seed_value is None else seed_value
    legacy = round(count * without_profiles)
    # Exact shares, as --without-profiles is: of the deleted, legacy ones in proportion.
    deleted_total = round(count * deleted)
    deleted_legacy = min(legacy, round(deleted_total * legacy / count)) if count else 0
    deleted_of = {"legacy": deleted_legacy, "signup": deleted_total - deleted_legacy}
    first_names, last_names = name_pools()
    with atomic(), connection().cursor() as cursor:
        cursor.execute(query("seed_demo_numbers"))
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
                    "deleted_count": deleted_of[kind],
                    "kind": kind,
                    "first_names": first_names,
                    "last_names": last_names,
                },
            )
            cursor.execute("RESET ROLE")
            cursor.execute("RESET search_path")
        cursor.execute("SET LOCAL session_replication_role = origin")
    return SeedResult(users=count, without_profiles=legacy, deleted=deleted_total)
