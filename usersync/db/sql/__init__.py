"""Reads the SQL kept as files: database objects in migrations_sql/, and the queries,
each in the `sql/` folder of the package that runs it (usersync/sync/sql/, …; this
folder holds the db package's own).

migrations_sql/ sits at the top of the repository; the wheel carries it inside the
package as usersync/migrations_sql/, so both places are looked in, the package first.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent.parent


@cache
def migrations_sql_dir() -> Path:
    for candidate in (PACKAGE_DIR / "migrations_sql", PACKAGE_DIR.parent / "migrations_sql"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"usersync's migrations_sql folder is missing beside {PACKAGE_DIR}")


@cache
def migration_sql(name: str) -> str:
    """The text of migrations_sql/<name>.sql (for a reverse: '<name>.reverse')."""
    return (migrations_sql_dir() / f"{name}.sql").read_text()


@cache
def query_files() -> dict[str, Path]:
    """Every query file of the package by name: usersync/<package>/sql/<name>.sql. A
    name is one query: two files of one name are an error."""
    found: dict[str, Path] = {}
    for path in sorted(PACKAGE_DIR.rglob("sql/*.sql")):
        if "migrations_sql" in path.parts:
            continue
        if path.stem in found:
            raise RuntimeError(f"two query files named {path.stem}: {found[path.stem]} and {path}")
        found[path.stem] = path
    return found


@cache
def query(name: str) -> str:
    """The text of the query file <name>.sql, wherever in the package it lives."""
    return query_files()[name].read_text()
