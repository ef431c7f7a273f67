"""What a health URL costs the database: round trips counted on the wire.

libpq's trace of Django's connection logs every protocol message; the server ends each
round trip with one ReadyForQuery, whether the client sent a simple query (several
statements in one string included), an extended-protocol Sync, or psycopg's own BEGIN
and COMMIT, which Django's query log never sees. Outside a transaction (as a request
without ATOMIC_REQUESTS), so these tests commit."""

from __future__ import annotations

import contextlib
import re
import tempfile
from collections.abc import Iterator

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from psycopg.pq import Trace

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def no_stored_count():
    """usersync.status_counts has no model, so no test flush empties it."""
    yield
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM usersync.status_counts")


class RoundTrips:
    def __init__(self) -> None:
        self.log = ""

    @property
    def count(self) -> int:
        messages = [line.split("\t") for line in self.log.splitlines()]
        return sum(m[0] == "B" and m[2:3] == ["ReadyForQuery"] for m in messages)


@contextlib.contextmanager
def round_trips() -> Iterator[RoundTrips]:
    """The round trips of Django's connection inside the block."""
    connection.ensure_connection()
    pgconn = connection.connection.pgconn
    counted = RoundTrips()
    with tempfile.TemporaryFile() as log:
        pgconn.trace(log.fileno())
        pgconn.set_trace_flags(Trace.SUPPRESS_TIMESTAMPS | Trace.REGRESS_MODE)
        try:
            yield counted
        finally:
            pgconn.untrace()
            log.seek(0)
            counted.log = log.read().decode()


def statement_timeout() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return cursor.fetchone()[0]


def get_counted(client, path: str) -> tuple[int, int, dict]:
    """(round trips, statements in Django's query log, JSON) of one GET."""
    with round_trips() as trips, CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return trips.count, len(queries.captured_queries), response.json()


def test_dashboard_health__costs_one_round_trip_with_its_time_limit_once_counting_is_expensive(
    client, auth_user_factory, settings
):
    from usersync.sync import counts

    settings.USERSYNC_STATUS_CACHE_SECONDS = 60
    auth_user_factory(with_profile=False)
    counts.count_and_store(5)
    with connection.cursor() as cursor:  # as if counting were expensive at this size
        cursor.execute("UPDATE usersync.status_counts SET counted_in_seconds = 1.5")
    before = statement_timeout()
    with round_trips() as trips, CaptureQueriesContext(connection) as queries:
        body = client.get("/dashboard/health-check").json()
    assert (trips.count, len(queries.captured_queries)) == (1, 1), trips.log
    assert re.search(r"SET LOCAL statement_timeout = \d+;", queries.captured_queries[0]["sql"])
    assert body["checks"] == {"database": "healthy", "dashboard": "healthy"}
    assert (body["missing_profiles"], body["counts"]) == (1, "stored")
    assert statement_timeout() == before  # the limit ended with the request's statement


def test_public_health__costs_one_round_trip_once_an_expensive_count_is_stored(
    client, auth_user_factory, settings
):
    settings.USERSYNC_STATUS_CACHE_SECONDS = 60
    auth_user_factory(with_profile=False)
    before = statement_timeout()
    trips, statements, body = get_counted(client, "/health")
    assert trips > 1  # the state, then the first count's transaction, which stores it
    assert body["missing_profiles"] == 1
    with connection.cursor() as cursor:  # as if counting were expensive at this size
        cursor.execute("UPDATE usersync.status_counts SET counted_in_seconds = 1.5")
    trips, statements, body = get_counted(client, "/health")
    assert (trips, statements) == (1, 1)
    assert (body["missing_profiles"], body["status"]) == (1, "degraded")
    assert body["checks"] == {"database": "healthy", "trigger": "healthy", "profiles": "degraded"}
    assert statement_timeout() == before


def test_public_health__counts_a_cheap_count_in_a_second_round_trip(client, settings):
    settings.USERSYNC_STATUS_CACHE_SECONDS = 60
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM usersync.status_counts")
    get_counted(client, "/health")  # the first count, stored: cheap at this size
    trips, statements, body = get_counted(client, "/health")
    assert (trips, statements) == (2, 2)
    assert body["counts"] == "counted now"


def test_public_health__without_a_cache_counts_in_a_second_round_trip(client, settings):
    settings.USERSYNC_STATUS_CACHE_SECONDS = 0
    assert get_counted(client, "/health")[:2] == (2, 2)
    assert get_counted(client, "/health")[:2] == (2, 2)
