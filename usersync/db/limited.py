"""One query file's row, within a time limit, in one round trip.

`SET LOCAL statement_timeout = …; <query>` goes to the server as one simple-protocol
string, which PostgreSQL runs as one implicit transaction: the limit holds for the query
and ends with it, with no BEGIN, no reading of the previous value and no restore. Inside
a caller's transaction (ATOMIC_REQUESTS, tests) the query runs in a savepoint that is
rolled back afterwards, which restores the caller's statement_timeout.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from usersync.db.connection import alias, connection
from usersync.db.errors import database_errors
from usersync.db.rows import fetch_one
from usersync.db.sql import query
from usersync.db.transactions import with_time_limit


def limited(name: str, seconds: float | None) -> str:
    """The query file <name>.sql behind the time limit, as one string (no parameters, so
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
