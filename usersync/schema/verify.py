"""Verification of the installed database objects, their repair, and the end-to-end
self-test. Schema tools (`supabase db diff`, `prisma migrate reset`) are known to drop
triggers on auth.users and grants on public silently: this is what notices."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

from django.db import transaction

from usersync.db.connection import alias, atomic, connection
from usersync.db.lockdown import django_table_names, lock_down_django_tables
from usersync.db.sql import migration_sql, query
from usersync.errors import database_errors
from usersync.schema.manifest import manifest

REPAIR = "python manage.py verify_migration --repair"
MIGRATE = "python manage.py migrate usersync"


def _unqualified(text: str) -> str:
    # The catalog prints public's objects without their schema when public is on the
    # search_path; our files always name it.
    return re.sub(r"\bpublic\.", "", text)


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
        }


def _rows(name: str, params: dict) -> list[tuple]:
    with connection().cursor() as cursor:
        cursor.execute(query(name), params)
        return cursor.fetchall()


def _check_tables() -> list[Check]:
    expected = manifest()
    checks = []
    kinds = {name: "view" for name in expected.views}
    for name, present, _ in _rows("verify_relations", {"names": expected.relations}):
        kind = kinds.get(name, "table")
        checks.append(
            Check("tables", f"{kind} {name} exists", present, "" if present else "missing")
        )
    for name, present, _ in _rows("verify_relations", {"names": expected.indexes}):
        if not present:
            checks.append(Check("tables", f"index {name} exists", False, "missing"))
    for table in expected.tables.values():
        columns = {r[0]: r[1:] for r in _rows("verify_columns", {"table": table.name})}
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
                "tables", f"{table.name} columns match migrations_sql", not wrong, detail, MIGRATE
            )
        )
        keys = {_unqualified(r[0]) for r in _rows("verify_constraints", {"table": table.name})}
        missing = [k for k in table.keys if _unqualified(k) not in keys]
        checks.append(
            Check(
                "tables",
                f"{table.name} keys match migrations_sql",
                not missing,
                "missing: " + "; ".join(missing) if missing else "",
                MIGRATE,
            )
        )
    return checks


def _check_triggers() -> list[Check]:
    triggers = manifest().triggers
    checks = []
    for name, present, definition, enabled in _rows("verify_triggers", {"names": list(triggers)}):
        table, trigger = name.split(":")
        if not present:
            checks.append(Check("triggers", f"trigger {trigger} on {table}", False, "missing"))
            continue
        shape_ok = _unqualified(definition).endswith(_unqualified(triggers[name].definition))
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
    rows = _rows("verify_functions", {"names": list(functions)})
    for name, present, definer, config, body_md5, anon, authenticated, public in rows:
        if not present:
            checks.append(Check("functions", f"function {name}", False, "missing"))
            continue
        expected = functions[name]
        problems = []
        if expected.definer and not definer:
            problems.append("not SECURITY DEFINER (fails as supabase_auth_admin)")
        if definer and not expected.definer:
            problems.append("SECURITY DEFINER, which it should not be")
        if 'search_path=""' not in config:
            problems.append("search_path is not fixed to ''")
        if body_md5 != expected.body_md5:
            problems.append(f"body differs from {expected.source}")
        callers = [
            r
            for r, can in (("PUBLIC", public), ("anon", anon), ("authenticated", authenticated))
            if can
        ]
        if callers:
            problems.append(f"EXECUTE granted to {', '.join(callers)}")
        checks.append(Check("functions", f"function {name}", not problems, "; ".join(problems)))
    return checks


def _check_security() -> list[Check]:
    expected = manifest()
    checks = []
    for name, present, on in _rows("verify_relations", {"names": expected.row_level_security}):
        if present:
            checks.append(
                Check("security", f"row level security on {name}", on, "" if on else "off")
            )
    for table in sorted({p.table for p in expected.policies}):
        found = {p[0]: p for p in _rows("verify_policies", {"table": table})}
        for policy in (p for p in expected.policies if p.table == table):
            kind = "PERMISSIVE" if policy.permissive else "RESTRICTIVE"
            row = found.get(policy.name)
            ok = row is not None and row[1] == kind and sorted(row[2]) == sorted(policy.roles)
            detail = "" if ok else (f"found {row[1]} to {row[2]}" if row else "missing")
            if ok and (_calls_auth_per_row(row[3]) or _calls_auth_per_row(row[4])):
                ok, detail = False, "calls auth.uid() once per row: write (SELECT auth.uid())"
            checks.append(Check("security", f"policy {policy.name} on {table}", ok, detail))
        permissive = [p[0] for p in found.values() if p[1] == "PERMISSIVE"]
        wanted = [p.name for p in expected.policies if p.table == table and p.permissive]
        if sorted(permissive) != sorted(wanted):
            checks.append(
                Check("security", f"permissive policies on {table}", False, f"found {permissive}")
            )
    django_tables = [f"public.{t}" for t in django_table_names()]
    names = [t for t in expected.tables if t.startswith("public.")] + django_tables
    for table, role, privileges in _rows("verify_api_grants", {"names": names}):
        extra = sorted(set(privileges) - set(expected.api_grants.get((table, role), [])))
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


def verify() -> Verification:
    with database_errors():
        return Verification(
            checks=_check_tables() + _check_triggers() + _check_functions() + _check_security()
        )


def repair() -> None:
    """Re-apply the newest version of every SQL file the migrations run (each is
    idempotent), in migration order, in one transaction."""
    with database_errors(), atomic(), connection().cursor() as cursor:
        for name in manifest().files:
            cursor.execute(migration_sql(name))
        lock_down_django_tables()


def end_to_end() -> list[Check]:
    """Sign up a throw-away OAuth user as Supabase Auth would, check the profile and the
    cascade, and roll everything back."""
    user_id = uuid.uuid4()
    provider_id = f"usersync-e2e-{user_id.hex[:12]}"
    checks: list[Check] = []
    with database_errors(), atomic():
        with connection().cursor() as cursor:
            as_auth_admin = _try_set_role(cursor, "supabase_auth_admin")
            cursor.execute(query("e2e_sign_up"), {"user_id": user_id})
            cursor.execute(
                query("e2e_sign_up_identity"), {"user_id": user_id, "provider_id": provider_id}
            )
            cursor.execute("RESET ROLE")
            cursor.execute("RESET search_path")
            cursor.execute(query("e2e_profile"), {"user_id": user_id})
            profile = cursor.fetchone()
            who = (
                "supabase_auth_admin"
                if as_auth_admin
                else f"{connection().settings_dict['USER']} "
                "(could not SET ROLE supabase_auth_admin)"
            )
            checks.append(
                Check(
                    "e2e",
                    f"sign-up as {who} creates a profile",
                    profile is not None and profile[:2] == ("user", True),
                    f"profile: {profile}"
                    if profile and profile[:2] != ("user", True)
                    else ("" if profile else "no profile"),
                )
            )
            checks.append(
                Check(
                    "e2e",
                    "SSO provider and provider user id are set",
                    profile is not None and profile[2:] == ("github", provider_id),
                    ""
                    if profile and profile[2:] == ("github", provider_id)
                    else f"found {profile[2:] if profile else None}",
                )
            )
            cursor.execute(query("e2e_delete"), {"user_id": user_id})
            cursor.execute(query("e2e_profile"), {"user_id": user_id})
            checks.append(
                Check(
                    "e2e",
                    "deleting the user deletes the profile",
                    cursor.fetchone() is None,
                    "profile left behind",
                    MIGRATE,
                )
            )
        transaction.set_rollback(True, using=alias())
    return checks


def _try_set_role(cursor, role: str) -> bool:
    sid = transaction.savepoint(using=alias())
    try:
        cursor.execute(f"SET LOCAL ROLE {role}")
        cursor.execute("SET LOCAL search_path = auth")
    except Exception:
        transaction.savepoint_rollback(sid, using=alias())
        return False
    transaction.savepoint_commit(sid, using=alias())
    return True
