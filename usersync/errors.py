"""Every error usersync reports to people: one line each, and the exit code it means.
How a database error becomes one of them is usersync.db.errors'.

Exit codes: 1, a check found a problem (or another sync is running); 2, bad input, or
the database is unreachable or forbids what was asked.
"""

from __future__ import annotations


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
