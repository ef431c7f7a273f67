"""Health URLs under load: requests/s of each path against an anchor view that sends one
`SELECT 1` through Django's connection, and a trivial view (no database), on the same
gunicorn server (production settings: DEBUG off), from a load generator on loopback
that stops after a bounded time and a bounded number of requests."""

from __future__ import annotations

import http.client
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bench.scratch import ROOT, Scratch

HOST = "127.0.0.1"
TRIVIAL_PATH = "/bench/trivial"
ANCHOR_PATH = "/bench/one-query"
REFERENCE_PATHS = (ANCHOR_PATH, TRIVIAL_PATH)
DEFAULT_PATHS = (
    "/dashboard/health-check",
    "/bench/dashboard-health-measured",
    "/health",
    "/bench/health-measured",
    "/admin/login/",
)
LIMIT_SCRIPT = Path(__file__).resolve().parent / "limit.lua"
START_TIMEOUT = 30.0


@dataclass
class PathResult:
    path: str
    skipped: str | None = None
    # Stopped by the request bound: wrk still divides by its whole -d, so a lower bound.
    capped: bool = False
    requests: int = 0
    seconds: float = 0.0
    non_2xx: int = 0
    probe_status: int | None = None

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


@dataclass
class HealthResult:
    users: int
    generator: str
    workers: int
    concurrency: int
    paths: list[PathResult] = field(default_factory=list)

    @property
    def anchor(self) -> PathResult | None:
        """The one-query view's result, the health paths' yardstick."""
        return next((p for p in self.paths if p.path == ANCHOR_PATH and p.skipped is None), None)

    def as_dict(self) -> dict:
        return {
            "users": self.users,
            "generator": self.generator,
            "workers": self.workers,
            "concurrency": self.concurrency,
            "paths": [vars(p) | {"rps": p.rps} for p in self.paths],
        }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _get(port: int, path: str, timeout: float = 30.0) -> int:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


class Gunicorn:
    def __init__(self, scratch: Scratch, workers: int):
        self.port = _free_port()
        env = scratch.environment(
            DJANGO_SETTINGS_MODULE="bench.health_settings",
            ENABLE_DEVELOPMENT_MODE="false",
            DEBUG="false",
            SECRET_KEY=secrets.token_urlsafe(48),
            ALLOWED_HOSTS=f"{HOST},localhost",
            # Plain HTTP on loopback: no HTTPS redirect, as behind a TLS-terminating proxy.
            HTTPS="false",
            PYTHONPATH=str(ROOT),
        )
        self._process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                f"--workers={workers}",
                f"--bind={HOST}:{self.port}",
                "--log-level=warning",
                "--timeout=120",
                "project.wsgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )

    def wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self._process.stderr.read()[-2000:]}")
            try:
                if _get(self.port, TRIVIAL_PATH, timeout=5) == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer on {HOST}:{self.port}")

    def stop(self) -> None:
        self._process.terminate()
        try:
            self._process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


def _wrk(port: int, path: str, seconds: float, max_requests: int, concurrency: int) -> PathResult:
    output = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{concurrency}",
            f"-d{max(1, round(seconds))}s",
            "--timeout=30s",
            f"--script={LIMIT_SCRIPT}",
            f"http://{HOST}:{port}{path}",
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        env=os.environ | {"BENCH_MAX_REQUESTS": str(max_requests)},
        check=True,
    ).stdout
    done = re.search(r"(\d+) requests in ([\d.]+)(ms|s|m)", output)
    if done is None:
        raise RuntimeError(f"cannot read wrk's output: {output}")
    scale = {"ms": 0.001, "s": 1.0, "m": 60.0}[done.group(3)]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    requests = int(done.group(1))
    return PathResult(
        path=path,
        capped=requests >= max_requests,
        requests=requests,
        seconds=float(done.group(2)) * scale,
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
    )


def _python_client(
    port: int, path: str, seconds: float, max_requests: int, concurrency: int
) -> PathResult:
    """A bounded client on threads: a new connection per request, as gunicorn's sync
    workers close each one anyway."""
    statuses: Counter[int] = Counter()
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker() -> None:
        while time.monotonic() < deadline:
            with lock:
                if statuses.total() >= max_requests:
                    return
            status = _get(port, path)
            with lock:
                statuses[status] += 1

    start = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    return PathResult(
        path=path,
        requests=statuses.total(),
        seconds=elapsed,
        non_2xx=sum(n for status, n in statuses.items() if not 200 <= status < 400),
    )


def generator_name(requested: str) -> str:
    if requested == "auto":
        return "wrk" if shutil.which("wrk") else "python"
    return requested


def run(
    scratch: Scratch,
    users: int,
    paths: list[str],
    seconds: float,
    max_requests: int,
    generator: str = "auto",
    workers: int | None = None,
) -> HealthResult:
    workers = workers or os.cpu_count() or 2
    name = generator_name(generator)
    load = _wrk if name == "wrk" else _python_client
    result = HealthResult(users=users, generator=name, workers=workers, concurrency=2 * workers)
    server = Gunicorn(scratch, workers)
    try:
        server.wait_ready()
        for path in [*REFERENCE_PATHS, *paths]:
            probe = _get(server.port, path)
            if probe == 404:
                result.paths.append(
                    PathResult(path, skipped="skipped: URL not found (404)", probe_status=404)
                )
                continue
            measured = load(server.port, path, seconds, max_requests, result.concurrency)
            measured.probe_status = probe
            result.paths.append(measured)
    finally:
        server.stop()
    return result
