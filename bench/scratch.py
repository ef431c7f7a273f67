"""The scratch database a benchmark runs in: a new database on the server that
DATABASE_URL names (or on the embedded default server when it is unset), migrated with
manage.py, and dropped at the end."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import quote

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from bench.measure import ProcessRun, run_process

ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = Path(__file__).resolve().parent / "sql"
# The benchmark's own connections, which the transaction watcher leaves out.
APPLICATION_NAME = "usersync-bench"


@cache
def bench_sql(name: str) -> str:
    """The text of bench/sql/<name>.sql."""
    return (SQL_DIR / f"{name}.sql").read_text()


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    user: str
    password: str | None
    maintenance_db: str
    embedded: bool

    def url(self, dbname: str, user: str | None = None) -> str:
        auth = quote(user or self.user, safe="")
        if self.password and user is None:
            auth += ":" + quote(self.password, safe="")
        return f"postgres://{auth}@{self.host}:{self.port}/{quote(dbname, safe='')}"

    def connect(
        self, dbname: str, user: str | None = None, autocommit: bool = True
    ) -> psycopg.Connection:
        password = self.password if user is None else None
        return psycopg.connect(
            host=self.host,
            port=self.port,
            user=user or self.user,
            password=password,
            dbname=dbname,
            autocommit=autocommit,
            connect_timeout=10,
            application_name=APPLICATION_NAME,
        )

    def describe(self) -> str:
        kind = "embedded default server" if self.embedded else "DATABASE_URL's server"
        return f"{kind} at {self.host}:{self.port}"


def server_from_environment() -> Server:
    url = os.environ.get("DATABASE_URL", "")
    if url:
        params = conninfo_to_dict(url)
        return Server(
            host=params.get("host") or "127.0.0.1",
            port=int(params.get("port") or 5432),
            user=params.get("user") or "postgres",
            password=params.get("password"),
            maintenance_db=params.get("dbname") or "postgres",
            embedded=False,
        )
    from project import embedded_db

    state = embedded_db.ensure_running()
    assert state.port is not None
    return Server(
        host=embedded_db.HOST,
        port=state.port,
        user=embedded_db.SUPERUSER,
        password=None,
        maintenance_db=embedded_db.DATABASE,
        embedded=True,
    )


@dataclass(frozen=True)
class Scratch:
    server: Server
    name: str

    @property
    def url(self) -> str:
        return self.server.url(self.name)

    def connect(self, user: str | None = None) -> psycopg.Connection:
        return self.server.connect(self.name, user=user)

    def environment(self, **extra: str) -> dict[str, str]:
        """For a manage.py process: this database, development mode unless overridden,
        DEBUG off as in production (with it on, Django keeps the last 9,000 queries'
        SQL in memory, which a long sync's peak memory would measure)."""
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
        return (
            env
            | {"DATABASE_URL": self.url, "ENABLE_DEVELOPMENT_MODE": "true", "DEBUG": "false"}
            | extra
        )

    def manage(self, *args: str, timeout: float = 3600, database_url: str = "") -> ProcessRun:
        """manage.py on this database, or through another URL to it (a pooler)."""
        env = self.environment(**({"DATABASE_URL": database_url} if database_url else {}))
        run = run_process([sys.executable, "manage.py", *args], env=env, timeout=timeout)
        if run.returncode != 0:
            raise RuntimeError(
                f"manage.py {' '.join(args)} exited {run.returncode}: {run.stderr.strip()[-2000:]}"
            )
        return run


@contextlib.contextmanager
def scratch_database(server: Server, label: str, keep: bool = False) -> Iterator[Scratch]:
    name = f"bench_{label}_{os.getpid()}"
    with server.connect(server.maintenance_db) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield Scratch(server, name)
    finally:
        if not keep:
            with server.connect(server.maintenance_db) as conn:
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
