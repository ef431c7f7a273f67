"""Verification of the installed database objects and their repair (the end-to-end
self-test is usersync.schema.e2e). Schema tools (`supabase db diff`, `prisma migrate
reset`) are known to drop triggers on auth.users and grants on public silently: this
is what notices."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from usersync.conf import conf
from usersync.db.connection import atomic, connection, migrate_command
from usersync.db.errors import database_errors
from usersync.db.lockdown import django_table_names, lock_down_django_tables
from usersync.db.rows import fetch_all
from usersync.db.sql import migration_sql, query
from usersync.schema import hook
from usersync.schema.manifest import manifest
from usersync.sync import defaults, display_fields
from usersync.sync.trigger_state import REPAIR


def _unqualified(text: str) -> str:
    # The catalog prints public's objects without their schema when public is on the
    # search_path; our files always name it.
    return re.sub(r"\bpublic\.", "", text)


def _trigger_shape(definition: str) -> str:
    """A trigger's definition as compared: the catalog prints a WHEN condition in lower
    case and within two pairs of parentheses (`WHEN ((new.x IS DISTINCT FROM old.x))`),
    our files as written (`WHEN (NEW.x IS DISTINCT FROM OLD.x)`)."""
    return " ".join(re.sub(r"[()]", " ", _unqualified(definition)).lower().split())


def _calls_auth_per_row(expression: str | None) -> bool:
    return bool(expression) and bool(re.search(r"(?<!SELECT )auth\.uid\(\)", expression, re.I))


@dataclass(frozen=True)
class Check:
    group: str  # tables, triggers, functions, security
    name: str
    ok: bool
    detail: str = ""
    repair: str = REPAIR

    def as_dict(self) -> dict:
        data = {"group": self.group, "name": self.name, "ok": self.ok, "detail": self.detail}
        if not self.ok:
            data["repair"] = self.repair
        return data


@dataclass
class Verification:
    checks: list[Check] = field(default_factory=list)
    e2e: list[Check] = field(default_factory=list)
    # The role the end-to-end sign-up ran as (None: not run).
    e2e_role: str | None = None

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks + self.e2e)

    def group_ok(self, group: str) -> bool:
        return all(c.ok for c in self.checks + self.e2e if c.group == group)

    @property
    def failures(self) -> list[Check]:
        return [c for c in self.checks + self.e2e if not c.ok]

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "groups": {
                g: self.group_ok(g) for g in ("tables", "triggers", "functions", "security")
            },
            "checks": [c.as_dict() for c in self.checks],
            "e2e": [c.as_dict() for c in self.e2e] if self.e2e else None,
            "e2e_ran_as": self.e2e_role,
            "notes": [hook.ENABLE_NOTE],
        }


def _rows(name: str, params: dict) -> list[dict]:
    with connection().cursor() as cursor:
        cursor.execute(query(name), params)
        return fetch_all(cursor)


def _check_tables() -> list[Check]:
    expected = manifest()
    checks = []
    kinds = {name: "view" for name in expected.views}
    for row in _rows("verify_relations", {"names": expected.relations}):
        name, present = row["name"], row["present"]
        kind = kinds.get(name, "table")
        checks.append(
            Check("tables", f"{kind} {name} exists", present, "" if present else "missing")
        )
    for row in _rows("verify_relations", {"names": expected.indexes}):
        if not row["present"]:
            checks.append(Check("tables", f"index {row['name']} exists", False, "missing"))
    for table in expected.tables.values():
        columns = {
            r["name"]: (r["type"], r["column_default"], r["nullable"])
            for r in _rows("verify_columns", {"table": table.name})
        }
        if not columns:
            continue
        wrong = [
            f"{col}: expected {want}, found {columns.get(col, 'nothing')}"
            for col, want in table.columns.items()
            if columns.get(col) != want
        ]
        extra = sorted(set(columns) - set(table.columns))
        detail = "; ".join(wrong + ([f"extra columns: {', '.join(extra)}"] if extra else []))
        checks.append(
            Check(
                "tables",
                f"{table.name} columns match migrations_sql",
                not wrong,
                detail,
                migrate_command("usersync"),
            )
        )
        keys = {
            _unqualified(r["definition"])
            for r in _rows("verify_constraints", {"table": table.name})
        }
        missing = [k for k in table.keys if _unqualified(k) not in keys]
        checks.append(
            Check(
                "tables",
                f"{table.name} keys match migrations_sql",
                not missing,
                "missing: " + "; ".join(missing) if missing else "",
                migrate_command("usersync"),
            )
        )
    return checks


def _check_triggers() -> list[Check]:
    triggers = manifest().triggers
    checks = []
    for row in _rows("verify_triggers", {"names": list(triggers)}):
        name, definition, enabled = row["name"], row["definition"], row["enabled"]
        table, trigger = name.split(":")
        if not row["present"]:
            checks.append(Check("triggers", f"trigger {trigger} on {table}", False, "missing"))
            continue
        shape_ok = _trigger_shape(definition).endswith(_trigger_shape(triggers[name].definition))
        checks.append(
            Check(
                "triggers",
                f"trigger {trigger} on {table}",
                shape_ok and enabled,
                "; ".join(
                    p
                    for p in (
                        "" if enabled else "disabled",
                        "" if shape_ok else f"defined as: {definition}",
                    )
                    if p
                ),
            )
        )
    return checks


def _check_functions() -> list[Check]:
    functions = manifest().functions
    checks = []
    # The hook has its own, closer check (usersync.schema.hook).
    names = [name for name in functions if name != hook.FUNCTION]
    rows = _rows("verify_functions", {"names": names})
    for row in rows:
        name, definer = row["name"], row["security_definer"]
        if not row["present"]:
            checks.append(Check("functions", f"function {name}", False, "missing"))
            continue
        expected = functions[name]
        problems = []
        if expected.definer and not definer:
            problems.append("not SECURITY DEFINER (fails as supabase_auth_admin)")
        if definer and not expected.definer:
            problems.append("SECURITY DEFINER, which it should not be")
        if 'search_path=""' not in row["config"]:
            problems.append("search_path is not fixed to ''")
        # fill_display_fields' body is generated from USERSYNC_DISPLAY_FIELDS at migrate
        # time: _check_display_fields compares it with the setting's.
        if row["body_md5"] != expected.body_md5 and name != display_fields.FUNCTION:
            problems.append(f"body differs from {expected.source}")
        callers = [role for role in ("PUBLIC", "anon", "authenticated") if row[role.lower()]]
        if callers:
            problems.append(f"EXECUTE granted to {', '.join(callers)}")
        checks.append(Check("functions", f"function {name}", not problems, "; ".join(problems)))
    problems = hook.hook_problems()
    checks.append(
        Check("functions", f"access token hook {hook.FUNCTION}", not problems, "; ".join(problems))
    )
    return checks


def _check_security() -> list[Check]:
    expected = manifest()
    checks = []
    for row in _rows("verify_relations", {"names": expected.row_level_security}):
        if row["present"]:
            on = row["rls"]
            checks.append(
                Check("security", f"row level security on {row['name']}", on, "" if on else "off")
            )
    for table in sorted({p.table for p in expected.policies}):
        found = {p["name"]: p for p in _rows("verify_policies", {"table": table})}
        for policy in (p for p in expected.policies if p.table == table):
            kind = "PERMISSIVE" if policy.permissive else "RESTRICTIVE"
            row = found.get(policy.name)
            ok = (
                row is not None
                and row["permissive"] == kind
                and sorted(row["roles"]) == sorted(policy.roles)
            )
            detail = (
                "" if ok else (f"found {row['permissive']} to {row['roles']}" if row else "missing")
            )
            if ok and (_calls_auth_per_row(row["qual"]) or _calls_auth_per_row(row["with_check"])):
                ok, detail = False, "calls auth.uid() once per row: write (SELECT auth.uid())"
            checks.append(Check("security", f"policy {policy.name} on {table}", ok, detail))
        permissive = [p["name"] for p in found.values() if p["permissive"] == "PERMISSIVE"]
        wanted = [p.name for p in expected.policies if p.table == table and p.permissive]
        if sorted(permissive) != sorted(wanted):
            checks.append(
                Check("security", f"permissive policies on {table}", False, f"found {permissive}")
            )
    django_tables = [f"public.{t}" for t in django_table_names()]
    names = [t for t in expected.tables if t.startswith("public.")] + django_tables
    for grant in _rows("verify_api_grants", {"names": names}):
        table, role = grant["name"], grant["role"]
        extra = sorted(set(grant["privileges"]) - set(expected.api_grants.get((table, role), [])))
        if extra:
            checks.append(
                Check(
                    "security",
                    f"{role} privileges on {table}",
                    False,
                    f"granted {', '.join(extra)}",
                )
            )
    if not any(c.name.endswith("privileges") and not c.ok for c in checks if c.group == "security"):
        checks.append(
            Check("security", "the API roles hold no privileges beyond reading own profile", True)
        )
    return checks


def _check_default_role() -> list[Check]:
    stored = defaults.stored_default_role()
    if stored is None:  # not migrated: the tables check says so
        return []
    ok = stored == conf.DEFAULT_ROLE
    detail = (
        ""
        if ok
        else f"the database gives {stored!r}, USERSYNC_DEFAULT_ROLE is {conf.DEFAULT_ROLE!r}"
    )
    return [Check("functions", "new profiles get USERSYNC_DEFAULT_ROLE", ok, detail)]


def _check_display_fields() -> list[Check]:
    problems = display_fields.problems()
    return [
        Check(
            "functions",
            "display fields follow USERSYNC_DISPLAY_FIELDS",
            not problems,
            "; ".join(problems),
        )
    ]


def verify() -> Verification:
    with database_errors():
        return Verification(
            checks=_check_tables()
            + _check_triggers()
            + _check_functions()
            + _check_default_role()
            + _check_display_fields()
            + _check_security()
        )


def repair() -> None:
    """Re-apply the newest version of every SQL file the migrations run (each is
    idempotent), in migration order, in one transaction."""
    with database_errors(), atomic(), connection().cursor() as cursor:
        for name in manifest().files:
            cursor.execute(migration_sql(name))
        lock_down_django_tables()
    defaults.store_default_role()
    display_fields.install()
