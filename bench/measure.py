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
from datetime import datetime
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
    # Every write transaction seen: (its xact_start, its length), for the checkpoints.
    writes: list[tuple[datetime, float]] = field(default_factory=list, repr=False)


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
        self.result.writes = [
            (started, age) for (_, started), (age, writing) in self._ages.items() if writing
        ]
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


@dataclass
class CheckpointWatch:
    """Checkpoints during a watched run, from the checkpointer's counters and its wait
    event (pg_stat_checkpointer on PostgreSQL 17+, else pg_stat_bgwriter; and
    pg_stat_activity), polled on a connection of its own: how many, how much they wrote,
    and which write transactions ran while one was in progress."""

    interval: float
    polls: int = 0
    timed: int = 0
    requested: int = 0
    buffers_written: int = 0
    checkpointing_seconds: float = 0.0
    writes: int = 0
    writes_during: int = 0
    median_write_during: float = 0.0
    median_write_outside: float = 0.0
    longest_write_during: bool = False
    # The five longest writes: (start ISO, seconds, a checkpoint was in progress).
    longest_writes: list[tuple[str, float, bool]] = field(default_factory=list)

    def as_dict(self) -> dict:
        return vars(self)


class CheckpointWatcher:
    def __init__(self, connect: Callable[[], psycopg.Connection], query: str, interval: float):
        self._connect = connect
        self._query = query
        self._stop = threading.Event()
        self._first: tuple | None = None
        self._last: tuple | None = None
        # Spans of time a checkpoint was in progress, as polled: [start, end].
        self.spans: list[list[datetime]] = []
        self.result = CheckpointWatch(interval=interval)
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> CheckpointWatcher:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        if self._first and self._last:
            self.result.timed = self._last[2] - self._first[2]
            self.result.requested = self._last[3] - self._first[3]
            self.result.buffers_written = self._last[4] - self._first[4]
        self.result.checkpointing_seconds = sum(
            (end - start).total_seconds() for start, end in self.spans
        )

    def _run(self) -> None:
        with self._connect() as conn:
            while not self._stop.is_set():
                row = conn.execute(self._query).fetchone()
                at, checkpointing = row[0], row[1]
                if self._first is None:
                    self._first = row
                self._last = row
                if checkpointing:
                    if self.spans and self.spans[-1][1] >= at - _gap(self.result.interval):
                        self.spans[-1][1] = at
                    else:
                        self.spans.append([at, at])
                self.result.polls += 1
                self._stop.wait(self.result.interval)

    def attribute(self, writes: list[tuple[datetime, float]]) -> None:
        """Which write transactions overlapped a checkpoint in progress."""
        from datetime import timedelta

        def during(start: datetime, seconds: float) -> bool:
            end = start + timedelta(seconds=seconds)
            return any(s <= end and start <= e for s, e in self.spans)

        marked = [(start, seconds, during(start, seconds)) for start, seconds in writes]
        inside = [seconds for _, seconds, d in marked if d]
        outside = [seconds for _, seconds, d in marked if not d]
        self.result.writes = len(marked)
        self.result.writes_during = len(inside)
        self.result.median_write_during = statistics.median(inside) if inside else 0.0
        self.result.median_write_outside = statistics.median(outside) if outside else 0.0
        longest = sorted(marked, key=lambda w: w[1], reverse=True)[:5]
        self.result.longest_writes = [(s.isoformat(), sec, d) for s, sec, d in longest]
        self.result.longest_write_during = bool(longest and longest[0][2])


def _gap(interval: float):
    from datetime import timedelta

    # Two polls apart or less: the same checkpoint (a poll may be late by its own query).
    return timedelta(seconds=3 * interval)
