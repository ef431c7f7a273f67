"""Database errors classified by SQLSTATE and exception type, from real PostgreSQL
failures: a statement timeout, a lock timeout, a role without rights, a terminated
backend, a missing table, a refused connection."""

from __future__ import annotations

import contextlib

import psycopg
import pytest
from django.db import connection

from tests.db import closed_port, connect, connection_params
from usersync.db.connection import atomic
from usersync.db.errors import connection_attempt_failed, connection_lost, database_errors
from usersync.errors import (
    CannotConnect,
    ConnectionLost,
    DatabasePermissionDenied,
    DatabaseTimeout,
    LockTimeout,
    NotMigrated,
    UsersyncError,
)


def failure(*statements: str, params: list | None = None, in_transaction=True) -> UsersyncError:
    """The UsersyncError that running the statements (in one transaction, or each on its
    own) becomes; `params` are the last statement's."""
    transaction = atomic() if in_transaction else contextlib.nullcontext()
    with (
        pytest.raises(UsersyncError) as caught,
        database_errors(),
        transaction,
        connection.cursor() as cursor,
    ):
        for statement in statements[:-1]:
            cursor.execute(statement)
        cursor.execute(statements[-1], params)
    return caught.value


@pytest.mark.django_db
def test_explain__a_statement_timeout_is_a_database_timeout():
    error = failure("SET LOCAL statement_timeout = '50ms'", "SELECT pg_sleep(10)")
    assert type(error) is DatabaseTimeout and error.__cause__.__cause__.sqlstate == "57014"
    assert "did not answer in time (canceling statement due to statement timeout)" in str(error)


@pytest.mark.django_db(transaction=True)
def test_explain__a_row_another_connection_locks_is_a_lock_timeout(auth_user_factory):
    user = auth_user_factory()
    with connect(autocommit=False) as locker:
        locker.execute("SELECT FROM public.user_profiles WHERE user_id = %s FOR UPDATE", [user.pk])
        error = failure(
            "SET LOCAL lock_timeout = '50ms'",
            "UPDATE public.user_profiles SET role = 'admin' WHERE user_id = %s",
            params=[user.pk],
        )
        locker.rollback()
    assert type(error) is LockTimeout and error.__cause__.__cause__.sqlstate == "55P03"
    assert str(error).startswith("another session held a lock usersync needed for too long")


@pytest.mark.django_db
def test_explain__a_role_without_rights_is_denied_permission():
    error = failure("SET LOCAL ROLE anon", "SELECT count(*) FROM usersync.sync_runs")
    assert type(error) is DatabasePermissionDenied
    assert error.__cause__.__cause__.sqlstate == "42501"
    assert str(error).startswith("permission denied: role ")
    assert "(permission denied for schema usersync)" in str(error)


@pytest.mark.django_db
def test_explain__a_missing_table_means_not_migrated():
    error = failure("SELECT FROM usersync.no_such_table")
    assert type(error) is NotMigrated and error.__cause__.__cause__.sqlstate == "42P01"
    assert str(error).endswith("run: python manage.py migrate")


def test_explain__a_refused_connection_cannot_connect(database_down):
    error = failure("SELECT 1")
    assert type(error) is CannotConnect
    assert str(error).startswith(f"cannot connect to the database at 127.0.0.1:{database_down}/")


def terminate(pid: int) -> None:
    with connect() as killer:
        assert killer.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_explain__a_terminated_backend_is_a_lost_connection_also_on_the_next_statement():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    terminate(pid)
    try:
        first = failure("SELECT 1", in_transaction=False)
        # The server's 57P01 was read; the next statement finds a broken connection,
        # which has no SQLSTATE at all.
        second = failure("SELECT 1", in_transaction=False)
    finally:
        connection.close()
    assert type(first) is ConnectionLost and first.__cause__.__cause__.sqlstate == "57P01"
    assert type(second) is ConnectionLost and second.__cause__.__cause__.sqlstate is None
    for error in (first, second):
        assert str(error).startswith("lost the connection to the database at ")
        assert str(error).endswith("work committed so far is kept: rerun to continue")


@pytest.mark.django_db(transaction=True)
def test_explain__a_backend_terminated_inside_a_transaction_is_a_lost_connection():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        error = failure("SELECT pg_terminate_backend(pg_backend_pid())")
    finally:
        connection.close()
    assert type(error) is ConnectionLost and error.__cause__.__cause__.sqlstate == "57P01"
    with connection.cursor() as cursor:  # a new server connection replaces it
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid


@pytest.mark.django_db
def test_connection_lost__a_terminated_session_and_its_broken_socket():
    with connect() as victim:
        terminate(victim.info.backend_pid)
        # The server's 57P01 reaches the client only if it reads before it writes: either
        # way the first statement fails as a lost connection (57P01 alone: the test above).
        with pytest.raises(psycopg.OperationalError) as terminated:
            victim.execute("SELECT 1")
        with pytest.raises(psycopg.OperationalError) as broken:
            victim.execute("SELECT 1")
        assert victim.broken
    assert terminated.value.sqlstate in {"57P01", None}
    assert connection_lost(terminated.value) and not connection_attempt_failed(terminated.value)
    assert broken.value.sqlstate is None
    assert connection_lost(broken.value) and not connection_attempt_failed(broken.value)


@pytest.mark.django_db
def test_connection_attempt_failed__a_refused_connection_or_an_unknown_role():
    params = connection_params()
    failures = []
    for override in ({"port": closed_port()}, {"user": "usersync_no_such_role"}):
        with pytest.raises(psycopg.OperationalError) as caught:
            psycopg.connect(**(params | override), connect_timeout=5)
        failures.append(caught.value)
    for error in failures:
        assert connection_attempt_failed(error) and not connection_lost(error)


@pytest.mark.django_db
def test_connection_lost__a_statement_error_is_not_a_lost_connection():
    with connect() as conn, pytest.raises(psycopg.Error) as caught:
        conn.execute("SELECT 1 / 0")
    assert caught.value.sqlstate == "22012"
    assert not connection_lost(caught.value) and not connection_attempt_failed(caught.value)
