"""Timing, repeated samples, child processes with their peak memory, and a watcher of
open transactions."""

from __future__ import annotations

import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import psycopg

T = TypeVar("T")
ROOT = Path(__file__).resolve().parent.parent
RSS_POLL_INTERVAL = 0.01


@dataclass
class Samples:
    values: list[float] = field(default_factory=list)

    def add(self, value: float) -> None:
        self.values.append(value)

    @property
    def min(self) -> float:
        return min(self.values)

    @property
    def max(self) -> float:
        return max(self.values)

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    def as_dict(self) -> dict:
        return {"min": self.min, "median": self.median, "max": self.max, "samples": self.values}


def timed(fn: Callable[[], T]) -> tuple[float, T]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


@dataclass(frozen=True)
class ProcessRun:
    seconds: float
    max_rss_kb: int
    returncode: int
    stdout: str
    stderr: str


def _peak_rss_kb(pid: int) -> int | None:
    """VmHWM, the high-water mark of the process's own memory since its exec."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return None  # a zombie: its memory is gone


class PeakRss:
    """Polls a child's VmHWM until it exits. Not getrusage/wait4's ru_maxrss: Linux
    folds the parent's resident size at fork into it, so a child of a big parent
    would look big."""

    def __init__(self, pid: int, interval: float = RSS_POLL_INTERVAL):
        self.kb = 0
        self._pid = pid
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.kb = max(self.kb, _peak_rss_kb(self._pid) or 0)
            self._stop.wait(self._interval)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.kb


def run_process(args: list[str], env: dict[str, str], timeout: float) -> ProcessRun:
    """Run a child to completion: wall time, exit code, output, and its peak RSS (the
    last reading before it exited, at most one poll interval early)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(
            args, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err
        )
        peak = PeakRss(process.pid)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        seconds = time.perf_counter() - start
        max_rss_kb = peak.stop()
        out.seek(0)
        err.seek(0)
        return ProcessRun(
            seconds=seconds,
            max_rss_kb=max_rss_kb,
            returncode=process.returncode,
            stdout=out.read().decode(errors="replace"),
            stderr=err.read().decode(errors="replace"),
        )


@dataclass
class TransactionWatch:
    """The longest transactions seen, from pg_stat_activity.xact_start polled on a second
    connection: a lower bound on each, low by at most one poll interval."""

    interval: float
    polls: int = 0
    transactions: int = 0
    median_write: float = 0.0
    longest_write: float = 0.0
    longest_any: float = 0.0


class TransactionWatcher:
    def __init__(self, connect: Callable[[], psycopg.Connection], query: str, interval: float):
        self._connect = connect
        self._query = query
        self._stop = threading.Event()
        self._ages: dict[tuple[int, object], tuple[float, bool]] = {}
        self.result = TransactionWatch(interval=interval)
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TransactionWatcher:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        writes = [age for age, writing in self._ages.values() if writing]
        self.result.transactions = len(self._ages)
        self.result.median_write = statistics.median(writes) if writes else 0.0
        self.result.longest_write = max(writes, default=0.0)
        self.result.longest_any = max((age for age, _ in self._ages.values()), default=0.0)

    def _run(self) -> None:
        with self._connect() as conn:
            while not self._stop.is_set():
                for pid, started, age, writing in conn.execute(self._query).fetchall():
                    key = (pid, started)
                    seen_age, seen_writing = self._ages.get(key, (0.0, False))
                    self._ages[key] = (
                        max(seen_age, age.total_seconds()),
                        seen_writing or writing,
                    )
                self.result.polls += 1
                self._stop.wait(self.result.interval)
