"""Reads the SQL kept as files: database objects in migrations_sql/, queries in usersync/sql/.

migrations_sql/ sits at the top of the repository; the wheel carries it inside the
package as usersync/migrations_sql/, so both places are looked in, the package first.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent
QUERIES_DIR = PACKAGE_DIR / "sql"


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
def query(name: str) -> str:
    """The text of usersync/sql/<name>.sql."""
    return (QUERIES_DIR / f"{name}.sql").read_text()
