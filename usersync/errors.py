"""Every error usersync reports to people: one line each, and the exit code it means.
Also how a database error becomes one of them, by SQLSTATE and exception type.

Exit codes: 1, a check found a problem (or another sync is running); 2, bad input, or
the database is unreachable or forbids what was asked.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import psycopg
from django.db import DatabaseError
from psycopg import errors as pg

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


class UnknownUser(BadInput):
    """No auth user has this id (HTTP 404)."""


class ProfileExists(BadInput):
    """The user has a profile already; nothing was changed (HTTP 409)."""


class NoProfile(BadInput):
    """A staff action on a user who has no profile (HTTP 409)."""


class NothingToChange(BadInput):
    """A staff action that would leave the profile as it is."""


class LastActiveAdmin(BadInput):
    """The change would leave no active admin (HTTP 409)."""


class OwnProfile(BadInput):
    """Staff may not demote or deactivate themselves (HTTP 409)."""


class ActorNotAllowed(BadInput):
    """The actor is no longer an active admin when the change runs (HTTP 403)."""


class NotTheStandIn(BadInput):
    """Demo data goes only into the local stand-in, never into a real Supabase project."""


class DatabaseUnavailable(UsersyncError):
    """The database cannot be reached, or did not do what was asked in time."""


class CannotConnect(DatabaseUnavailable):
    """A connection could not be made (refused, timed out, unknown role or database)."""


class ConnectionLost(DatabaseUnavailable):
    """An established connection broke: a terminated backend, a restart, a crash."""


class DatabaseTimeout(DatabaseUnavailable):
    """A statement was cancelled by statement_timeout (or by an operator)."""


class LockTimeout(DatabaseUnavailable):
    """A lock was not granted within lock_timeout."""


class DatabasePermissionDenied(UsersyncError):
    """The connecting role lacks a privilege (SQLSTATE 42501)."""


class NotMigrated(UsersyncError):
    """usersync's tables or schema do not exist (run migrate)."""


class Misconfigured(UsersyncError):
    """A setting usersync refuses to use, whether or not system checks ran (HTTP 503)."""


class UnexpectedDatabaseError(UsersyncError):
    """Any other database error; its text is the database's."""


class QuotaExceeded(UsersyncError):
    """Too many requests (HTTP 429); retry_after: seconds until one more is allowed."""

    exit_code = 1

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


class SyncAlreadyRunning(UsersyncError):
    exit_code = 1


class LeaseLost(UsersyncError):
    exit_code = 1


class InvalidToken(Exception):
    """The token cannot be accepted (HTTP 401); the message is a short, safe reason."""


class VerificationUnavailable(Exception):
    """Tokens cannot be verified now: not configured, or the JWKS cannot be fetched (503)."""


class RowShapeError(Exception):
    """A query's columns do not match the fields of the type its rows are read into:
    a programming error, never the caller's."""


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
