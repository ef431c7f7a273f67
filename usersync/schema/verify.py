"""Verification of the installed database objects, their repair, and the end-to-end
self-test. Schema tools (`supabase db diff`, `prisma migrate reset`) are known to drop
triggers on auth.users and grants on public silently: this is what notices."""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass, field

from django.db import DatabaseError, transaction

from usersync.db.connection import alias, atomic, connection
from usersync.db.lockdown import django_table_names, lock_down_django_tables
from usersync.db.sql import migration_sql, query
from usersync.errors import database_errors

REPAIR = "python manage.py verify_migration --repair"
MIGRATE = "python manage.py migrate usersync"

SPEC_TABLES = [
    "public.user_profiles",
    "public.user_activity_log",
    "public.admin_audit_log",
    "public.chat_error_log",
]
ENGINE_TABLES = ["usersync.sync_runs", "usersync.sync_lease", "usersync.trigger_failures"]
LOG_TABLES = SPEC_TABLES[1:]

# The spec's DDL for user_profiles: (type, default, nullable).
USER_PROFILES_COLUMNS = {
    "id": ("uuid", "gen_random_uuid()", "NO"),
    "user_id": ("uuid", None, "YES"),
    "role": ("character varying(50)", "'user'::character varying", "NO"),
    "is_active": ("boolean", "true", "YES"),
    "last_login": ("timestamp with time zone", None, "YES"),
    "deactivated_at": ("timestamp with time zone", None, "YES"),
    "deactivated_by": ("uuid", None, "YES"),
    "deactivation_reason": ("character varying(255)", None, "YES"),
    "sso_provider": ("character varying(50)", None, "YES"),
    "sso_user_id": ("character varying(255)", None, "YES"),
    "created_at": ("timestamp with time zone", "now()", "YES"),
    "updated_at": ("timestamp with time zone", "now()", "YES"),
}
USER_PROFILES_KEYS = [
    "FOREIGN KEY (deactivated_by) REFERENCES auth.users(id) ON DELETE SET NULL",
    "FOREIGN KEY (user_id) REFERENCES auth.users(id) ON DELETE CASCADE",
    "PRIMARY KEY (id)",
    "UNIQUE (user_id)",
]
TRIGGERS = {
    "auth.users:on_auth_user_created": (
        "AFTER INSERT ON auth.users FOR EACH ROW EXECUTE FUNCTION create_user_profile()"
    ),
    "auth.identities:on_auth_identity_created": (
        "AFTER INSERT ON auth.identities FOR EACH ROW EXECUTE FUNCTION fill_profile_sso_identity()"
    ),
}
DEFINER_FUNCTIONS = ["public.create_user_profile()", "public.fill_profile_sso_identity()"]
OWN_POLICY = "user_profiles_select_own"
OWN_POLICY_QUAL = "(( SELECT auth.uid() AS uid) = user_id)"


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


def expected_function_bodies() -> dict[str, str]:
    """md5 of each function body as migrations_sql/profile_trigger.v1.sql writes it."""
    text = migration_sql("profile_trigger.v1")
    pattern = re.compile(r"FUNCTION (public\.\w+\(\)).*?AS \$function\$(.*?)\$function\$", re.S)
    return {name: hashlib.md5(body.encode()).hexdigest() for name, body in pattern.findall(text)}


def _check_tables() -> list[Check]:
    checks = []
    for name, present, _ in _rows("verify_relations", {"names": SPEC_TABLES + ENGINE_TABLES}):
        checks.append(
            Check("tables", f"table {name} exists", present, "" if present else "missing")
        )
    columns = {r[0]: r[1:] for r in _rows("verify_columns", {"table": "public.user_profiles"})}
    if columns:
        wrong = [
            f"{col}: expected {want}, found {columns.get(col, 'nothing')}"
            for col, want in USER_PROFILES_COLUMNS.items()
            if columns.get(col) != want
        ]
        extra = sorted(set(columns) - set(USER_PROFILES_COLUMNS))
        detail = "; ".join(wrong + ([f"extra columns: {', '.join(extra)}"] if extra else []))
        checks.append(
            Check("tables", "user_profiles columns match the spec", not wrong, detail, MIGRATE)
        )
        keys = [r[0] for r in _rows("verify_constraints", {"table": "public.user_profiles"})]
        missing = [k for k in USER_PROFILES_KEYS if k not in keys]
        checks.append(
            Check(
                "tables",
                "user_profiles keys: unique user_id, cascades from auth.users",
                not missing,
                "missing: " + "; ".join(missing) if missing else "",
                MIGRATE,
            )
        )
    return checks


def _check_triggers() -> list[Check]:
    checks = []
    for name, present, definition, enabled in _rows("verify_triggers", {"names": list(TRIGGERS)}):
        table, trigger = name.split(":")
        expected = TRIGGERS[name]
        if not present:
            checks.append(Check("triggers", f"trigger {trigger} on {table}", False, "missing"))
            continue
        shape_ok = definition.endswith(expected)
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
    checks = []
    bodies = expected_function_bodies()
    rows = _rows("verify_functions", {"names": DEFINER_FUNCTIONS})
    for name, present, definer, config, body_md5, anon, authenticated, public in rows:
        if not present:
            checks.append(Check("functions", f"function {name}", False, "missing"))
            continue
        problems = []
        if not definer:
            problems.append("not SECURITY DEFINER (fails as supabase_auth_admin)")
        if 'search_path=""' not in config:
            problems.append("search_path is not fixed to ''")
        if body_md5 != bodies.get(name.removesuffix("()") + "()"):
            problems.append("body differs from migrations_sql/profile_trigger.v1.sql")
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
    checks = []
    rls = {n: (present, on) for n, present, on in _rows("verify_relations", {"names": SPEC_TABLES})}
    for name, (present, on) in rls.items():
        if present:
            checks.append(
                Check("security", f"row level security on {name}", on, "" if on else "off")
            )
    policies = _rows("verify_policies", {"table": "public.user_profiles"})
    own = [p for p in policies if p[0] == OWN_POLICY]
    permissive = [p for p in policies if p[1] == "PERMISSIVE"]
    policy_ok = bool(own) and own[0][2] == ["authenticated"] and own[0][3] == OWN_POLICY_QUAL
    checks.append(
        Check(
            "security",
            "policy: a signed-in user reads only their own profile",
            policy_ok and len(permissive) == 1,
            "" if policy_ok else f"policies found: {[p[0] for p in policies]}",
        )
    )
    for table in LOG_TABLES:
        denies = [p for p in _rows("verify_policies", {"table": table}) if p[1] == "RESTRICTIVE"]
        checks.append(
            Check(
                "security",
                f"policy: the API roles cannot use {table}",
                bool(denies),
                "" if denies else "no deny policy",
            )
        )
    allowed = {("public.user_profiles", "authenticated"): ["SELECT"]}
    django_tables = [f"public.{t}" for t in django_table_names()]
    grants = _rows("verify_api_grants", {"names": SPEC_TABLES + django_tables})
    for table, role, privileges in grants:
        extra = sorted(set(privileges) - set(allowed.get((table, role), [])))
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
    """Re-apply every forward SQL file (each is idempotent) in one transaction."""
    with database_errors(), atomic(), connection().cursor() as cursor:
        for name in ("usersync_tables.v1", "row_level_security.v1", "profile_trigger.v1"):
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
    # A nested atomic() is a savepoint: a missing role rolls back to it, and on success
    # the SET LOCALs stay for the rest of the outer transaction.
    try:
        with atomic():
            cursor.execute(f"SET LOCAL ROLE {role}")
            cursor.execute("SET LOCAL search_path = auth")
    except DatabaseError:
        return False
    return True
