"""Real, separate PostgreSQL connections to the test database, as Supabase's roles."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator

import psycopg
from django.db import connection


def connection_params(user: str | None = None) -> dict:
    params = connection.get_connection_params()
    params = {
        k: v for k, v in params.items() if k in {"host", "port", "dbname", "user", "password"}
    }
    if user is not None:
        params["user"] = user
        params.pop("password", None)
    return params


@contextlib.contextmanager
def connect(user: str | None = None, autocommit: bool = True) -> Iterator[psycopg.Connection]:
    """A new server connection; as `user` it logs in as that role (its own search_path)."""
    with psycopg.connect(**connection_params(user), autocommit=autocommit) as conn:
        yield conn


@contextlib.contextmanager
def as_api_role(role: str, sub: str | None = None) -> Iterator[psycopg.Connection]:
    """Act like PostgREST on the test's own connection: the JWT claims and SET ROLE,
    inside a savepoint that is rolled back afterwards (errors included)."""
    connection.ensure_connection()
    conn = connection.connection
    claims = {"role": role} | ({"sub": sub} if sub else {})
    conn.execute("SAVEPOINT as_api_role")
    try:
        conn.execute("SELECT set_config('request.jwt.claims', %s, true)", [json.dumps(claims)])
        conn.execute(f"SET LOCAL ROLE {role}")
        yield conn
    finally:
        conn.execute("ROLLBACK TO SAVEPOINT as_api_role")


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
