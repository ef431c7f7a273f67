"""One round trip per health query: the statement timeout travels with the query.

`SET LOCAL statement_timeout = …; <query>` goes to the server as one simple-protocol
string, which PostgreSQL runs as one implicit transaction: the limit holds for the query
and ends with it, with no BEGIN, no reading of the previous value and no restore. Inside
a caller's transaction (ATOMIC_REQUESTS, tests) the query runs in a savepoint that is
rolled back afterwards, which restores the caller's statement_timeout.

A `Reading` is one such query's row, read once and shared by the checks of a URL: the
first check that needs it sends the query, within that check's time limit; the others
reuse its row, or its error.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.db import transaction

from usersync.db.connection import alias, connection
from usersync.db.errors import database_errors
from usersync.db.rows import fetch_one
from usersync.db.sql import query
from usersync.db.transactions import with_time_limit
from usersync.errors import UsersyncError


def limited(name: str, seconds: float | None) -> str:
    """the query file <name>.sql behind the time limit, as one string (no parameters, so
    psycopg sends it as a simple query whatever the binding)."""
    return with_time_limit(query(name), seconds)


def read_row(name: str, seconds: float | None) -> dict[str, Any] | None:
    """The row of the query file <name>.sql, read within `seconds` in one round trip
    (outside a transaction). Database errors become UsersyncError."""
    statement = limited(name, seconds)
    with database_errors():
        if connection().get_autocommit():
            return _execute(statement)
        with transaction.atomic(using=alias()):
            try:
                return _execute(statement)
            finally:
                # Rolled back even after success: that undoes the SET LOCAL.
                transaction.set_rollback(True, using=alias())


def _execute(statement: str) -> dict[str, Any] | None:
    with connection().cursor() as cursor:
        cursor.execute(statement)
        while cursor.description is None and cursor.nextset():
            pass  # past the SET's result to the query's
        return fetch_one(cursor)


@dataclasses.dataclass
class Reading:
    """The row of the query file <name>.sql for several checks run one after another in
    one thread: read once, on first use."""

    name: str
    _row: dict[str, Any] | None = dataclasses.field(default=None, init=False, repr=False)
    _error: UsersyncError | None = dataclasses.field(default=None, init=False, repr=False)
    _read: bool = dataclasses.field(default=False, init=False, repr=False)

    def row(self, seconds: float | None) -> dict[str, Any]:
        """The row (read now within `seconds` if not read yet); raises the error of the
        read to every check that asks."""
        if not self._read:
            self._read = True
            try:
                self._row = read_row(self.name, seconds)
            except UsersyncError as error:
                self._error = error
        if self._error is not None:
            raise self._error
        assert self._row is not None, f"{self.name}.sql returned no row"
        return self._row
