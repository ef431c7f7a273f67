"""How a database error becomes one of usersync's one-line errors, by SQLSTATE and
exception type (passwords are never part of the text)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import psycopg
from django.db import DatabaseError
from psycopg import errors as pg

from usersync.db.connection import connection, migrate_command
from usersync.errors import (
    CannotConnect,
    ConnectionLost,
    DatabasePermissionDenied,
    DatabaseTimeout,
    LockTimeout,
    NotMigrated,
    UnexpectedDatabaseError,
    UsersyncError,
)


def database_address() -> str:
    settings = connection().settings_dict
    host = settings.get("HOST") or "localhost"
    port = settings.get("PORT") or "5432"
    return f"{host}:{port}/{settings.get('NAME') or ''}"


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


# SQLSTATEs of a server that ends an established session: admin_shutdown (also
# pg_terminate_backend), crash_shutdown, idle_session_timeout,
# idle_in_transaction_session_timeout. Class 08 is connection_exception.
SESSION_ENDED = {"57P01", "57P02", "57P05", "25P03"}


def connection_attempt_failed(error: BaseException) -> bool:
    """A connection that could not be made: psycopg attaches the failed PGconn to the
    error of a connection attempt only, and raises ConnectionTimeout for connect_timeout."""
    return isinstance(error, pg.ConnectionTimeout) or (
        isinstance(error, psycopg.OperationalError) and error.pgconn is not None
    )


def connection_lost(error: BaseException) -> bool:
    """An established connection that broke (terminated, server restart or crash). A
    broken socket has no SQLSTATE: psycopg raises a bare OperationalError for it."""
    if not isinstance(error, psycopg.Error) or connection_attempt_failed(error):
        return False
    state = error.sqlstate or ""
    if state in SESSION_ENDED or state.startswith("08"):
        return True
    return isinstance(error, psycopg.OperationalError) and not state


def _raw_connection_broken() -> bool:
    raw = connection().connection
    return raw is not None and bool(getattr(raw, "broken", False))


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        yield error
        error = error.__cause__ or error.__context__


def explain(error: DatabaseError) -> UsersyncError:
    """The one-line UsersyncError for a database error (passwords are never part of it)."""
    cause = error.__cause__ if isinstance(error.__cause__, psycopg.Error) else error
    if isinstance(cause, pg.InsufficientPrivilege):
        user = connection().settings_dict.get("USER") or "the connecting role"
        detail = _first_line(cause)
        relation = detail.rsplit(" ", 1)[-1] if " for " in detail else "usersync's tables"
        return DatabasePermissionDenied(
            f"permission denied: role {user} cannot use {relation} ({detail}); connect as "
            f"postgres, or grant it SELECT on auth.users and SELECT, INSERT, UPDATE on "
            f"public.user_profiles"
        )
    if isinstance(cause, pg.UndefinedTable | pg.InvalidSchemaName):
        return NotMigrated(
            f"the database at {database_address()} lacks usersync's objects "
            f"({_first_line(cause)}); run: {migrate_command()}"
        )
    if isinstance(cause, pg.LockNotAvailable):
        return LockTimeout(
            f"another session held a lock usersync needed for too long ({_first_line(cause)}); "
            f"the current batch was undone and nothing else changed: rerun to continue"
        )
    if isinstance(cause, pg.QueryCanceled):
        return DatabaseTimeout(
            f"the database at {database_address()} did not answer in time ({_first_line(cause)})"
        )
    if isinstance(cause, psycopg.OperationalError) or connection().connection is None:
        reason = _first_line(cause)
        # Django reconnects while unwinding a transaction whose connection broke, so the
        # error we get may be that reconnection's; the break is earlier in the chain.
        if _raw_connection_broken() or any(connection_lost(e) for e in _chain(error)):
            return ConnectionLost(
                f"lost the connection to the database at {database_address()} ({reason}); "
                f"work committed so far is kept: rerun to continue"
            )
        if connection_attempt_failed(cause) or not isinstance(cause, psycopg.Error):
            # libpq says "connection to server at ... failed: <why>"; the why is enough.
            return CannotConnect(
                f"cannot connect to the database at {database_address()}: "
                f"{reason.rsplit('failed:', 1)[-1].strip()}"
            )
    return UnexpectedDatabaseError(f"database error: {_first_line(cause)}")


@contextlib.contextmanager
def database_errors() -> Iterator[None]:
    """Turn database errors into UsersyncError with one clear line."""
    try:
        yield
    except DatabaseError as error:
        raise explain(error) from error
