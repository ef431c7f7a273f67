"""The errors usersync reports to people: one line each, and the exit code it means.

Exit codes: 1, a check found a problem (or another sync is running); 2, bad input, or
the database is unreachable or forbids what was asked.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import psycopg
from django.db import DatabaseError

from usersync.db.connection import connection, migrate_command


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
    settings = connection().settings_dict
    host = settings.get("HOST") or "localhost"
    port = settings.get("PORT") or "5432"
    return f"{host}:{port}/{settings.get('NAME') or ''}"


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


LOST_CONNECTION_SIGNS = (
    "server closed the connection",
    "connection is lost",
    "connection already closed",
    "terminating connection",
)


def _lost_connection(error: BaseException) -> bool:
    """An established connection that broke (server crash or restart), as opposed to a
    connection that could not be made."""
    if isinstance(error, psycopg.errors.AdminShutdown | psycopg.errors.CrashShutdown):
        return True
    text = _first_line(error)
    # A connection attempt fails as "connection to server at ... failed: <why>".
    attempt_failed = text.startswith("connection") and " failed:" in text
    return not attempt_failed and any(sign in text for sign in LOST_CONNECTION_SIGNS)


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        yield error
        error = error.__cause__ or error.__context__


def explain(error: DatabaseError) -> UsersyncError:
    """The one-line UsersyncError for a database error (passwords are never part of it)."""
    cause = error.__cause__ if isinstance(error.__cause__, psycopg.Error) else error
    if isinstance(cause, psycopg.errors.InsufficientPrivilege):
        user = connection().settings_dict.get("USER") or "the connecting role"
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
            f"({_first_line(cause)}); run: {migrate_command()}"
        )
    if isinstance(cause, psycopg.errors.LockNotAvailable):
        return DatabaseUnavailable(
            f"another session held a lock usersync needed for too long ({_first_line(cause)}); "
            f"the current batch was undone and nothing else changed: rerun to continue"
        )
    if isinstance(cause, psycopg.errors.QueryCanceled):
        return DatabaseUnavailable(
            f"the database at {database_address()} did not answer in time ({_first_line(cause)})"
        )
    if isinstance(cause, psycopg.OperationalError) or connection().connection is None:
        reason = _first_line(cause)
        # Django reconnects while unwinding a transaction whose connection broke, so the
        # error we get may be that reconnection's; the break is earlier in the chain.
        if any(_lost_connection(e) for e in _chain(error)):
            return DatabaseUnavailable(
                f"lost the connection to the database at {database_address()} ({reason}); "
                f"work committed so far is kept: rerun to continue"
            )
        return DatabaseUnavailable(
            f"cannot connect to the database at {database_address()}: "
            f"{reason.rsplit('failed:', 1)[-1].strip()}"
        )
    return UsersyncError(f"database error: {_first_line(cause)}")


@contextlib.contextmanager
def database_errors() -> Iterator[None]:
    """Turn database errors into UsersyncError with one clear line."""
    try:
        yield
    except DatabaseError as error:
        raise explain(error) from error
