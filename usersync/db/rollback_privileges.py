"""Before a rollback runs: may the connected role undo every object the planned
reverse SQL drops or replaces? PostgreSQL lets only an object's owner (or a member of
the owning role) drop it, so a rollback missing one ownership would fail half-way."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.management.base import CommandError

from usersync.db.rows import fetch_one
from usersync.db.sql import migration_sql, query

NAME = r"([\w.]+)"
# (pattern, kind of object whose ownership the statement needs, what it does)
STATEMENTS = (
    (rf"DROP (?:TABLE|VIEW|INDEX) IF EXISTS {NAME}", "relation", "drop"),
    (
        rf"DROP (?:TRIGGER|POLICY) IF EXISTS \w+ ON {NAME}",
        "relation",
        "drop a trigger or policy on",
    ),
    (rf"CREATE OR REPLACE TRIGGER \w+[^;]*?\bON {NAME}", "trigger", "create a trigger on"),
    (rf"ALTER TABLE {NAME}", "relation", "alter"),
    (
        rf"(?:DROP FUNCTION IF EXISTS|CREATE OR REPLACE FUNCTION) {NAME}\s*(\([^)]*\))",
        "function",
        "replace or drop",
    ),
    (rf"DROP SCHEMA IF EXISTS {NAME}", "schema", "drop"),
)


@dataclass(frozen=True)
class Needed:
    kind: str
    name: str
    action: str


def needed_ownerships(reverse_sql: str) -> list[Needed]:
    """The objects a reverse SQL file drops or replaces, in the order it names them."""
    text = re.sub(r"--[^\n]*", "", reverse_sql)
    found: list[tuple[int, Needed]] = []
    for pattern, kind, action in STATEMENTS:
        for match in re.finditer(pattern, text, flags=re.IGNORECASE):
            name = "".join(group for group in match.groups() if group)
            found.append((match.start(), Needed(kind, name, action)))
    return [needed for _, needed in sorted(found, key=lambda item: item[0])]


def refuse_without_ownership(connection, label: str, reverse_name: str) -> None:
    """Raises one line naming the first object of the reverse the role may not undo."""
    with connection.cursor() as cursor:
        for needed in needed_ownerships(migration_sql(reverse_name)):
            cursor.execute(query("object_owner"), {"kind": needed.kind, "name": needed.name})
            row = fetch_one(cursor)
            if row is None or row["held"]:
                continue
            privilege = (
                f"the TRIGGER privilege on {needed.name}"
                if needed.kind == "trigger"
                else f"ownership of {needed.name} (owned by {row['owner']})"
            )
            raise CommandError(
                f"cannot roll back {label}: it must {needed.action} {needed.name}, which "
                f"needs {privilege}; role {row['current_role']} has not got it. Nothing "
                f"was changed: run the rollback as {row['owner']} or a member of it."
            )
