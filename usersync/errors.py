"""The errors usersync reports to people: one line each, and the exit code it means.

Exit codes: 1, a check found a problem (or another sync is running); 2, bad input, or
the database is unreachable or forbids what was asked.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import psycopg
from django.db import DatabaseError, connection


class UsersyncError(Exception):
    exit_code = 2


class BadInput(UsersyncError):
    """The caller asked for something that cannot be done (the database is unchanged)."""


class InvalidField(BadInput):
    """A value is not acceptable; `field` names it (for a form or a JSON 400)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


class DatabaseUnavailable(UsersyncError):
    pass


class PermissionDenied(UsersyncError):
    pass


class NotMigrated(UsersyncError):
    pass


class SyncAlreadyRunning(UsersyncError):
    exit_code = 1


class LeaseLost(UsersyncError):
    exit_code = 1


def database_address() -> str:
    settings = connection.settings_dict
    host = settings.get("HOST") or "localhost"
    port = settings.get("PORT") or "5432"
    return f"{host}:{port}/{settings.get('NAME') or ''}"


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def explain(error: DatabaseError) -> UsersyncError:
    """The one-line UsersyncError for a database error (passwords are never part of it)."""
    cause = error.__cause__ if isinstance(error.__cause__, psycopg.Error) else error
    if isinstance(cause, psycopg.errors.InsufficientPrivilege):
        user = connection.settings_dict.get("USER") or "the connecting role"
        detail = _first_line(cause)
        relation = detail.rsplit(" ", 1)[-1] if " for " in detail else "usersync's tables"
        return PermissionDenied(
            f"permission denied: role {user} cannot use {relation} ({detail}); connect as "
            f"postgres, or grant it SELECT on auth.users and SELECT, INSERT, UPDATE on "
            f"public.user_profiles"
        )
    if isinstance(cause, psycopg.errors.UndefinedTable | psycopg.errors.InvalidSchemaName):
        return NotMigrated(
            f"the database at {database_address()} lacks usersync's objects "
            f"({_first_line(cause)}); run: python manage.py migrate"
        )
    if isinstance(cause, psycopg.errors.QueryCanceled):
        return DatabaseUnavailable(
            f"the database at {database_address()} did not answer in time ({_first_line(cause)})"
        )
    if isinstance(cause, psycopg.OperationalError) or connection.connection is None:
        reason = _first_line(cause)
        if "failed:" in reason:
            reason = reason.rsplit("failed:", 1)[-1].strip()
        return DatabaseUnavailable(
            f"cannot connect to the database at {database_address()}: {reason}"
        )
    return UsersyncError(f"database error: {_first_line(cause)}")


@contextlib.contextmanager
def database_errors() -> Iterator[None]:
    """Turn database errors into UsersyncError with one clear line."""
    try:
        yield
    except DatabaseError as error:
        raise explain(error) from error
