"""verify_migration --e2e: a throw-away sign-up as Supabase Auth makes it, rolled back.

Supabase Auth inserts users as supabase_auth_admin. Where the connected role may not
SET ROLE to it (on Supabase since April 2025, `postgres` may not), the sign-up runs as
the connected role, which proves less: it would pass even if the trigger functions
were not SECURITY DEFINER. So the report says which role it ran as, and in that case
also proves what makes the triggers work as supabase_auth_admin: each trigger function
is SECURITY DEFINER (runs as its owner, whoever fires it), its search_path is pinned to
'' (so every name it uses is schema-qualified and nothing on supabase_auth_admin's path
can stand in), and its owner holds every privilege the function's statements need.
"""

from __future__ import annotations

import re
import uuid

from django.db import DatabaseError, transaction

from usersync.db.connection import alias, atomic, connection, migrate_command
from usersync.db.errors import database_errors
from usersync.db.rows import fetch_all, fetch_one, fetch_value
from usersync.db.sql import query
from usersync.schema.manifest import manifest
from usersync.schema.verify import Check
from usersync.sync.defaults import stored_default_role

AUTH_ROLE = "supabase_auth_admin"
QUALIFIED = r"(\w+\.\w+)"
CALLED = r"\b(usersync\.\w+)\s*\("
# What each statement of a trigger function needs on the relation it names.
STATEMENT_PRIVILEGES = (
    (rf"INSERT INTO {QUALIFIED}", ("INSERT",)),
    (rf"UPDATE {QUALIFIED}", ("UPDATE", "SELECT")),
    # Not "IS [NOT] DISTINCT FROM alias.column", a comparison.
    (rf"(?<!DISTINCT )(?:FROM|JOIN) {QUALIFIED}", ("SELECT",)),
)


def end_to_end() -> tuple[list[Check], str]:
    """The checks, and the role the sign-up ran as."""
    user_id = uuid.uuid4()
    provider_id = f"usersync-e2e-{user_id.hex[:12]}"
    checks: list[Check] = []
    with database_errors(), atomic():
        with connection().cursor() as cursor:
            as_auth_admin = _try_set_role(cursor, AUTH_ROLE)
            cursor.execute("SELECT current_user AS role")
            ran_as = fetch_value(cursor)
            cursor.execute(query("e2e_sign_up"), {"user_id": user_id})
            cursor.execute(
                query("e2e_sign_up_identity"), {"user_id": user_id, "provider_id": provider_id}
            )
            cursor.execute("RESET ROLE")
            cursor.execute("RESET search_path")
            expected_role = stored_default_role()
            cursor.execute(query("e2e_profile"), {"user_id": user_id})
            profile = fetch_one(cursor)
            state = (profile["role"], profile["is_active"]) if profile else None
            sso = (profile["sso_provider"], profile["sso_user_id"]) if profile else None
            checks.append(
                Check(
                    "e2e",
                    f"sign-up as {ran_as} creates a profile",
                    state == (expected_role, True),
                    "no profile"
                    if profile is None
                    else ("" if state == (expected_role, True) else f"profile: {profile}"),
                )
            )
            checks.append(
                Check(
                    "e2e",
                    "SSO provider and provider user id are set",
                    sso == ("github", provider_id),
                    "" if sso == ("github", provider_id) else f"found {sso}",
                )
            )
            cursor.execute(query("e2e_delete"), {"user_id": user_id})
            cursor.execute(query("e2e_profile"), {"user_id": user_id})
            cascaded = fetch_one(cursor) is None
            checks.append(
                Check(
                    "e2e",
                    "deleting the user deletes the profile",
                    cascaded,
                    "" if cascaded else "profile left behind",
                    migrate_command("usersync"),
                )
            )
            if not as_auth_admin:
                checks += _definer_checks(cursor)
        transaction.set_rollback(True, using=alias())
    return checks, ran_as


def _definer_checks(cursor) -> list[Check]:
    """What shows the triggers work as supabase_auth_admin without being it."""
    names = [name.split(":")[1] for name in manifest().triggers]
    cursor.execute(query("e2e_trigger_functions"), {"names": names})
    checks = []
    for function in fetch_all(cursor):
        problems = []
        if not function["security_definer"]:
            problems.append(f"not SECURITY DEFINER: it would run as {AUTH_ROLE}")
        if 'search_path=""' not in function["config"]:
            problems.append("search_path is not pinned to ''")
        owner = function["owner"]
        body = function["body"]
        # The functions it calls run as that owner too (SECURITY INVOKER): what they do,
        # it needs; and it must be allowed to call them.
        called = sorted(set(re.findall(CALLED, body)))
        if called:
            cursor.execute(query("e2e_called_functions"), {"names": called, "owner": owner})
            for callee in fetch_all(cursor):
                body += "\n" + callee["body"]
                if not callee["executable"]:
                    problems.append(f"its owner {owner} may not EXECUTE {callee['name']}()")
        for relation, privilege in _needed_privileges(body):
            cursor.execute(
                query("e2e_owner_privilege"),
                {"owner": owner, "relation": relation, "privilege": privilege},
            )
            if not fetch_value(cursor):
                problems.append(f"its owner {owner} may not {privilege} {relation}")
        checks.append(
            Check(
                "e2e",
                f"{function['function_name']} (trigger {function['trigger_name']}) runs as "
                f"its owner {owner} whoever fires it, and {owner} may do all it does",
                not problems,
                "; ".join(problems),
            )
        )
    return checks


def _needed_privileges(body: str) -> list[tuple[str, str]]:
    needed: list[tuple[str, str]] = []
    for pattern, privileges in STATEMENT_PRIVILEGES:
        for relation in re.findall(pattern, body, flags=re.IGNORECASE):
            needed += [(relation, p) for p in privileges if (relation, p) not in needed]
    return needed


def _try_set_role(cursor, role: str) -> bool:
    # A nested atomic() is a savepoint: a missing role rolls back to it, and on success
    # the SET LOCALs stay for the rest of the outer transaction.
    try:
        with atomic():
            cursor.execute(f"SET LOCAL ROLE {role}")
            cursor.execute("SET LOCAL search_path = auth")
    except DatabaseError:
        return False
    return True
