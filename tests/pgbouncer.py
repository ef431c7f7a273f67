"""A real PgBouncer in transaction mode in front of a database, as Supabase's pooler on
port 6543: every transaction may run on another server connection. `pgbouncer()` takes
the server and database explicitly (bench/backfill.py starts one too);
`transaction_pooler()` puts one in front of the test database."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def transaction_pooler(pool_size: int = 2) -> Iterator[str]:
    """PgBouncer in front of the test database (Django's connection parameters)."""
    from django.db import connection

    params = connection.get_connection_params()
    with pgbouncer(params["host"], params["port"], params["dbname"], pool_size) as url:
        yield url


@contextlib.contextmanager
def pgbouncer(host: str, port: int, dbname: str, pool_size: int = 2) -> Iterator[str]:
    """Start PgBouncer (pool_mode = transaction) in front of `dbname` on host:port; yield
    a DATABASE_URL through it (user postgres, trust authentication)."""
    listen_port = _free_port()
    folder = Path(tempfile.mkdtemp(prefix="usersync-pgbouncer-"))
    folder.chmod(0o755)
    (folder / "users.txt").write_text('"postgres" ""\n"supabase_auth_admin" ""\n')
    (folder / "pgbouncer.ini").write_text(
        f"""
[databases]
{dbname} = host={host} port={port} dbname={dbname}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {listen_port}
unix_socket_dir =
auth_type = trust
auth_file = {folder / "users.txt"}
pool_mode = transaction
default_pool_size = {pool_size}
max_client_conn = 200
server_reset_query =
ignore_startup_parameters = extra_float_digits
"""
    )
    for path in folder.iterdir():
        path.chmod(0o644)
    user = ["-u", "nobody"] if os.geteuid() == 0 else []
    process = subprocess.Popen(
        [PGBOUNCER, *user, str(folder / "pgbouncer.ini")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for(listen_port, process)
        yield f"postgres://postgres@127.0.0.1:{listen_port}/{dbname}"
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


def _wait_for(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"pgbouncer exited: {process.stderr.read()}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError("pgbouncer did not start listening within 10 s")
