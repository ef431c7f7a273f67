"""`python bench/run.py`: one scratch database, grown to each size in turn, and every
benchmark at each size (sign-ups and health at the largest); Markdown on stdout."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shlex
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from bench import admin_pages, backfill, dataset, health, hook, sessions, signin, signup, status
from bench.report import Results, render
from bench.scratch import scratch_database, server_from_environment

BENCHMARKS = (
    "backfill",
    "status",
    "signup",
    "signin",
    "hook",
    "sessions",
    "admin",
    "health",
)


def _sizes(text: str) -> list[int]:
    sizes = sorted({int(part.replace("_", "")) for part in text.split(",") if part.strip()})
    if not sizes or sizes[0] < 1:
        raise argparse.ArgumentTypeError("sizes are positive integers, e.g. 100000,1000000")
    return sizes


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/run.py", description=__doc__)
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="tiny and quick (1,000 users, one repeat): proves the scripts work",
    )
    parser.add_argument("--sizes", type=_sizes, help="auth users, e.g. 100000,1000000")
    parser.add_argument("--repeats", type=int, help="timed repeats of each measurement")
    parser.add_argument(
        "--only",
        default=",".join(BENCHMARKS),
        help=f"comma-separated subset of {','.join(BENCHMARKS)}",
    )
    parser.add_argument("--naive-sample", type=int, help="users the naive way runs on")
    parser.add_argument(
        "--double-batch-below",
        type=int,
        default=10_000_000,
        metavar="USERS",
        help="watch the sync's transactions at twice the default batch size too, at sizes "
        "below this (default 10,000,000: at the largest sizes only the default batch)",
    )
    parser.add_argument(
        "--large-from",
        type=int,
        default=10_000_000,
        metavar="USERS",
        help="at sizes from this on (default 10,000,000), for time: one timed sync and "
        "anchor, no separate first sync, no pooler runs, no `sync_users --full` with "
        "nothing to do",
    )
    parser.add_argument(
        "--pooler-runs",
        type=int,
        help="syncs through PgBouncer and direct, alternately, after the timed repeats",
    )
    parser.add_argument("--single-inserts", type=int, help="sign-ups per round and mode")
    parser.add_argument("--single-rounds", type=int, help="rounds of single-row sign-ups")
    parser.add_argument("--bulk-users", type=int, help="users in the bulk import")
    parser.add_argument("--hook-calls", type=int, help="token issuances per round and hook")
    parser.add_argument("--hook-rounds", type=int, help="rounds of access token hook calls")
    parser.add_argument(
        "--session-calls", type=int, help="requests verified per round, with and without"
    )
    parser.add_argument(
        "--session-rounds", type=int, help="rounds of token verification with/without the check"
    )
    parser.add_argument(
        "--signin-updates", type=int, help="sign-ins per round, with and without the trigger"
    )
    parser.add_argument("--signin-rounds", type=int, help="rounds of sign-ins")
    parser.add_argument(
        "--admin-requests", type=int, help="warm requests per staff admin page (and anchor)"
    )
    parser.add_argument(
        "--health-path",
        action="append",
        dest="health_paths",
        metavar="PATH",
        help=f"URL path to load (repeatable; default {' '.join(health.DEFAULT_PATHS)})",
    )
    parser.add_argument("--health-seconds", type=float, help="load time per path")
    parser.add_argument("--health-requests", type=int, help="at most this many requests per path")
    parser.add_argument("--load-generator", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the results as JSON")
    parser.add_argument(
        "--plot",
        type=Path,
        metavar="PNG",
        help="also draw seconds per size (log-log) of sync, anchor and status (matplotlib)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args(argv)
    defaults = (
        {
            "sizes": [300, 1_000],
            "repeats": 1,
            "naive_sample": 200,
            "pooler_runs": 1,
            "single_inserts": 30,
            "single_rounds": 2,
            "bulk_users": 1_000,
            "hook_calls": 50,
            "hook_rounds": 2,
            "session_calls": 50,
            "session_rounds": 2,
            "signin_updates": 30,
            "signin_rounds": 2,
            "admin_requests": 3,
            "health_seconds": 1.0,
            "health_requests": 5_000,
        }
        if args.smoke
        else {
            "sizes": [100_000, 1_000_000],
            "repeats": 3,
            "naive_sample": 10_000,
            "pooler_runs": 2,
            "single_inserts": 300,
            "single_rounds": 10,
            "bulk_users": 100_000,
            "hook_calls": 500,
            "hook_rounds": 10,
            "session_calls": 500,
            "session_rounds": 10,
            "signin_updates": 300,
            "signin_rounds": 10,
            "admin_requests": 11,
            "health_seconds": 10.0,
            "health_requests": 200_000,
        }
    )
    for name, value in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    args.health_paths = args.health_paths or list(health.DEFAULT_PATHS)
    args.only = {part.strip() for part in args.only.split(",") if part.strip()}
    unknown = args.only - set(BENCHMARKS)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    return args


def _log(message: str, started: float) -> None:
    print(f"[bench {time.monotonic() - started:7.1f} s] {message}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def _phase(name: str, started: float) -> Iterator[None]:
    _log(name, started)
    begun = time.monotonic()
    yield
    _log(f"{name}: done in {time.monotonic() - begun:.1f} s", started)


def _machine(conn) -> dict:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    meminfo = Path("/proc/meminfo").read_text().split()
    memory_kb = int(meminfo[meminfo.index("MemTotal:") + 1])
    return {
        "cpu": cpu,
        "nproc": os.cpu_count(),
        "memory_gb": memory_kb / 1024 / 1024,
        "postgres": "PostgreSQL " + conn.execute("SHOW server_version").fetchone()[0],
        "python": platform.python_version(),
        "load_before": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def main(argv: list[str]) -> int:
    args = parse(argv)
    started = time.monotonic()
    server = server_from_environment()
    label = "smoke" if args.smoke else "run"
    _log(f"scratch database on the {server.describe()}", started)
    with scratch_database(server, label, keep=args.keep) as scratch:
        seconds = dataset.migrate(scratch)
        _log(f"{scratch.name}: migrated in {seconds:.1f} s", started)
        dataset.setup_django(scratch)
        with scratch.connect() as conn:
            data = dataset.Dataset(conn, checkpoint=not args.smoke)
            results = Results(
                machine=_machine(conn),
                settings=vars(args)
                | {
                    "only": sorted(args.only),
                    "command": shlex.join(["python", "bench/run.py", *argv]),
                },
            )

            def save() -> None:
                """The results so far (a long run that fails late keeps what it measured)."""
                if args.json:
                    args.json.write_text(json.dumps(results.as_dict(), indent=2, default=str))

            loaded = 0
            for size in args.sizes:
                with _phase(f"loading {size - loaded:,} more users (to {size:,})", started):
                    results.loads.append(data.grow(size - loaded))
                loaded = size
                if "backfill" in args.only:
                    with _phase(f"backfill at {size:,}", started):
                        results.backfill.append(
                            backfill.run(
                                scratch,
                                data,
                                args.repeats if size < args.large_from else 1,
                                args.naive_sample,
                                watch_double_batch=size < args.double_batch_below,
                                pooler_runs=args.pooler_runs if size < args.large_from else 0,
                                first_sync=size < args.large_from,
                                log=lambda message: _log(f"  {message}", started),
                                noop_full_runs=1 if size < args.large_from else 0,
                            )
                        )
                if "status" in args.only:
                    with _phase(f"status at {size:,}", started):
                        results.status.append(status.run(scratch, conn, args.repeats))
                results.restore_seconds = data.restores
                save()
            if "signup" in args.only:
                with _phase(f"sign-ups at {loaded:,}", started):
                    results.signup = signup.run(
                        scratch,
                        data,
                        args.single_rounds,
                        args.single_inserts,
                        max(2, args.repeats),
                        args.bulk_users,
                    )
                save()
            if "signin" in args.only:
                with _phase(f"sign-ins at {loaded:,}", started):
                    results.signin = signin.run(
                        scratch, data, args.signin_rounds, args.signin_updates
                    )
                save()
            if "hook" in args.only:
                with _phase(f"access token hook at {loaded:,}", started):
                    results.hook = hook.run(
                        scratch, conn, loaded, args.hook_rounds, args.hook_calls
                    )
                save()
            if "sessions" in args.only:
                with _phase(f"session check at {loaded:,}", started):
                    results.sessions = sessions.run(
                        conn, loaded, args.session_rounds, args.session_calls
                    )
                save()
            if "admin" in args.only:
                with _phase(f"staff admin pages at {loaded:,}", started):
                    results.admin = admin_pages.run(conn, args.admin_requests)
                save()
            if "health" in args.only:
                with _phase(f"health URLs at {loaded:,}", started):
                    results.health = health.run(
                        scratch,
                        loaded,
                        args.health_paths,
                        args.health_seconds,
                        args.health_requests,
                        args.load_generator,
                    )
    results.machine["load_after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    _log("done", started)
    save()
    if args.plot:
        from bench.plot import plot

        plot(results.as_dict(), args.plot)
    print(render(results))
    return 0
