"""Reads the SQL kept as files: database objects in migrations_sql/, queries in usersync/sql/."""

from __future__ import annotations

from functools import cache
from pathlib import Path

MIGRATIONS_SQL_DIR = Path(__file__).resolve().parent.parent / "migrations_sql"
QUERIES_DIR = Path(__file__).resolve().parent / "sql"


@cache
def migration_sql(name: str) -> str:
    """The text of migrations_sql/<name>.sql (for a reverse: '<name>.reverse')."""
    return (MIGRATIONS_SQL_DIR / f"{name}.sql").read_text()


@cache
def query(name: str) -> str:
    """The text of usersync/sql/<name>.sql."""
    return (QUERIES_DIR / f"{name}.sql").read_text()
