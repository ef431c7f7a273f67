"""Each profile rule is written once: in the database views and functions of the newest
profile_rules file. These tests read the package's code (its Python, its query files)
and fail when a rule is written there again."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import usersync

PACKAGE = Path(usersync.__file__).resolve().parent
RULES_FILE = "profile_rules.v5.sql"


def package_code() -> dict[str, str]:
    """Every Python module and query file the package runs, by path (the versioned
    schema files and the migrations that apply them are history, not code to search)."""
    files = [
        *PACKAGE.rglob("*.py"),
        *(p for p in PACKAGE.rglob("*.sql") if "migrations_sql" not in p.parts),
    ]
    return {
        str(p.relative_to(PACKAGE)): p.read_text()
        for p in files
        if "migrations" not in p.relative_to(PACKAGE).parts
    }


def schema_file(name: str) -> str:
    from usersync.db.sql import migration_sql

    return migration_sql(name.removesuffix(".sql"))


RULES = {
    # "anonymous", else the sign-up provider, else "email".
    "the shown provider": r"""provider['"]\s*\)?\s*(,|or)\s*['"]email['"]""",
    # No profile and not soft-deleted.
    "who needs a profile": r"NOT EXISTS \(SELECT FROM public\.user_profiles"
    r"|user_id IS NULL AND \w+\.deleted_at IS NULL|profile__isnull",
    # The row a new profile gets: the default role and active.
    "the new-profile row": r"\(SELECT usersync\.default_role\(\)\)|default_role\(\), true"
    r"|default_role AS role,\s*true AS is_active"
    r"|default_role FROM usersync\.profile_settings \w+\) AS role,\s*true AS is_active",
    # The fields --no-preserve resets.
    "the fields a reset changes": r"'deactivated_by',\s*\S+,\s*'deactivation_reason'",
    # A fill writes a group of fields only while it is as it was read.
    "the fill's concurrency guard": r"IS NOT DISTINCT FROM",
}


@pytest.mark.parametrize("rule", RULES)
def test_rule__is_written_nowhere_in_the_package_code(rule):
    pattern = re.compile(RULES[rule], re.IGNORECASE)
    copies = [path for path, text in package_code().items() if pattern.search(text)]
    assert copies == [], f"{rule} is written again in {copies}"


@pytest.mark.parametrize("rule", RULES)
def test_rule__is_written_in_no_other_database_object_usersync_installs(rule):
    """The newest file of every family migrate runs (the triggers, the hook, ...)."""
    from usersync.schema.manifest import migration_files, newest_versions

    pattern = re.compile(RULES[rule], re.IGNORECASE)
    others = [n for n in newest_versions(migration_files()) if f"{n}.sql" != RULES_FILE]
    assert others, "no schema file found"
    copies = [name for name in others if pattern.search(schema_file(name))]
    assert copies == [], f"{rule} is written again in {copies}"


@pytest.mark.parametrize("rule", RULES)
def test_rule__is_written_once_in_the_rules_file(rule):
    text = schema_file(RULES_FILE)
    found = re.findall(RULES[rule], text, re.IGNORECASE)
    # The guard compares the SSO pair and last_login, each in the SET and the WHERE.
    # The reset's fields: what a profile holds and what a reset gives, side by side.
    expected = {"the fill's concurrency guard": 4, "the fields a reset changes": 2}.get(rule, 1)
    assert len(found) == expected, f"{rule}: {len(found)} times in {RULES_FILE}"
