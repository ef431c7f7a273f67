"""What the database should hold, read from the SQL files usersync's migrations run.

The one statement of the schema is migrations_sql/: of each file family
(`<name>.v<N>.sql`) the newest version a migration runs is what the database holds,
so a `v2` is verified as soon as a migration applies it. Read from it: the tables
(columns as the catalog prints them, keys), views, indexes, functions (security
definer or not, body), triggers, row level security, policies and API grants.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from usersync.db.sql import migrations_sql_dir
from usersync.schema import ddl

VERSIONED = re.compile(r"^(?P<family>.+)\.v(?P<version>\d+)$")
API_ROLES = ("anon", "authenticated")


@dataclass(frozen=True)
class Function:
    signature: str  # schema.name(type, ...), as to_regprocedure reads it
    definer: bool
    body_md5: str
    source: str  # the file that defines it


@dataclass(frozen=True)
class Trigger:
    table: str
    name: str
    definition: str  # from the timing on, e.g. "AFTER INSERT ON auth.users FOR EACH ..."

    @property
    def key(self) -> str:
        return f"{self.table}:{self.name}"


@dataclass(frozen=True)
class Policy:
    table: str
    name: str
    permissive: bool
    roles: tuple[str, ...]


@dataclass
class Manifest:
    files: list[str] = field(default_factory=list)
    tables: dict[str, ddl.Table] = field(default_factory=dict)
    views: list[str] = field(default_factory=list)
    indexes: list[str] = field(default_factory=list)
    functions: dict[str, Function] = field(default_factory=dict)
    triggers: dict[str, Trigger] = field(default_factory=dict)
    row_level_security: list[str] = field(default_factory=list)
    policies: list[Policy] = field(default_factory=list)
    # (table, API role) -> privileges granted on purpose; every other grant is drift.
    api_grants: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    @property
    def relations(self) -> list[str]:
        return list(self.tables) + self.views


def newest_versions(names: list[str]) -> list[str]:
    """Of each family keep its newest version, where that version comes in `names`."""
    newest: dict[str, tuple[int, str]] = {}
    for name in names:
        match = VERSIONED.match(name)
        family, version = (match["family"], int(match["version"])) if match else (name, 0)
        if family not in newest or version >= newest[family][0]:
            newest[family] = (version, name)
    latest = {name for _, name in newest.values()}
    ordered: list[str] = []
    for name in reversed(names):  # a family's place is that of its newest file
        if name in latest and name not in ordered:
            ordered.insert(0, name)
    return ordered


def migration_files(app_label: str = "usersync") -> list[str]:
    """The SQL files the app's migrations run (RunSQLFile), in migration order."""
    from django.db.migrations.loader import MigrationLoader

    from usersync.db.operations import RunSQLFile

    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    names: list[str] = []
    for leaf in graph.leaf_nodes(app_label):
        for key in graph.forwards_plan(leaf):
            if key[0] != app_label:
                continue
            for operation in graph.nodes[key].operations:
                for inner in getattr(operation, "database_operations", [operation]):
                    if isinstance(inner, RunSQLFile) and inner.name not in names:
                        names.append(inner.name)
    return names


def read(names: list[str], directory: Path | None = None) -> Manifest:
    """The manifest of the newest version of each named file in `directory`."""
    directory = directory or migrations_sql_dir()
    manifest = Manifest(files=newest_versions(names))
    for name in manifest.files:
        _add_file(manifest, name, (directory / f"{name}.sql").read_text())
    return manifest


@cache
def manifest() -> Manifest:
    """What the app's applied migrations put in the database."""
    return read(migration_files())


def _add_file(manifest: Manifest, name: str, text: str) -> None:
    statements, bodies = ddl.statements(text)
    for statement in statements:
        if table := ddl.create_table(statement):
            manifest.tables[table.name] = table
        elif ddl.add_column(statement, manifest.tables):
            pass
        elif match := re.match(r"CREATE (?:OR REPLACE )?VIEW (\S+)", statement, re.I):
            if match[1] not in manifest.views:
                manifest.views.append(match[1])
        elif match := re.match(
            r"CREATE (?:UNIQUE )?INDEX (?:IF NOT EXISTS )?(\w+) ON (?:ONLY )?(\S+)", statement, re.I
        ):
            schema = match[2].split(".")[0] if "." in match[2] else "public"
            if f"{schema}.{match[1]}" not in manifest.indexes:
                manifest.indexes.append(f"{schema}.{match[1]}")
        elif match := re.match(
            r"CREATE (?:OR REPLACE )?FUNCTION (\S+?)\s*\((.*?)\)\s+RETURNS .*?\$BODY(\d+)\$",
            statement,
            re.I | re.S,
        ):
            signature = f"{match[1]}({ddl.argument_types(match[2])})"
            body = bodies[int(match[3])]
            manifest.functions[signature] = Function(
                signature=signature,
                definer=bool(re.search(r"\bSECURITY DEFINER\b", statement, re.I)),
                body_md5=hashlib.md5(body.encode()).hexdigest(),
                source=f"migrations_sql/{name}.sql",
            )
        elif match := re.match(
            r"CREATE (?:OR REPLACE )?TRIGGER (\w+) ((?:BEFORE|AFTER|INSTEAD OF) .*? ON (\S+) .*)",
            statement,
            re.I | re.S,
        ):
            trigger = Trigger(table=match[3], name=match[1], definition=match[2])
            manifest.triggers[trigger.key] = trigger
        elif match := re.match(r"ALTER TABLE (\S+) ENABLE ROW LEVEL SECURITY", statement, re.I):
            if match[1] not in manifest.row_level_security:
                manifest.row_level_security.append(match[1])
        elif match := re.match(
            r"CREATE POLICY (\w+) ON (\S+)(?: AS (PERMISSIVE|RESTRICTIVE))?.*? TO (.*?)"
            r"(?: USING| WITH CHECK|$)",
            statement,
            re.I | re.S,
        ):
            roles = tuple(r.strip() for r in match[4].split(","))
            policy = Policy(match[2], match[1], (match[3] or "").upper() != "RESTRICTIVE", roles)
            manifest.policies = [
                p for p in manifest.policies if (p.table, p.name) != (policy.table, policy.name)
            ] + [policy]
        elif match := re.match(
            r"(GRANT|REVOKE) (.+?) ON (?!FUNCTION |SEQUENCE |SCHEMA |ALL )(?:TABLE )?(.+?) "
            r"(?:TO|FROM) (.+)",
            statement,
            re.I | re.S,
        ):
            _add_grant(manifest, match[1].upper() == "GRANT", match[2], match[3], match[4])


def _add_grant(manifest: Manifest, grant: bool, privileges: str, tables: str, roles: str) -> None:
    named = {p.strip().upper() for p in privileges.split(",")}
    for table in (t.strip() for t in tables.split(",")):
        for role in (r.strip() for r in roles.split(",")):
            if role not in API_ROLES:
                continue
            held = set(manifest.api_grants.get((table, role), []))
            held = held | named if grant else (set() if "ALL" in named else held - named)
            if held:
                manifest.api_grants[(table, role)] = sorted(held)
            else:
                manifest.api_grants.pop((table, role), None)
