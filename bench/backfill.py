"""Backfill: `manage.py sync_users` (a real process, Django start-up included) against
the anchor statement and the naive ORM loop, from the same starting state each time;
the sync's peak memory and its longest transaction; the sync through a transaction
pooler (PgBouncer, as Supabase's on port 6543) against the sync direct."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

import psycopg

from bench.dataset import Dataset
from bench.measure import (
    CheckpointWatch,
    CheckpointWatcher,
    ProcessRun,
    Samples,
    TransactionWatch,
    TransactionWatcher,
    timed,
)
from bench.naive import naive_backfill
from bench.scratch import Scratch, bench_sql
from bench.signup import SignUpProbe
from tests.pgbouncer import pgbouncer

WATCH_INTERVAL = 0.005
CHECKPOINT_INTERVAL = 0.02


@dataclass
class SyncRun:
    seconds: float
    max_rss_kb: int
    created: int
    filled: int
    batches: int
    batch_size: int
    mode: str = "full"
    scanned: int = 0


@dataclass(frozen=True)
class WatchedSync:
    """One more sync, not timed with the others, with its transactions watched."""

    batch_size: int
    seconds: float
    transactions: TransactionWatch
    sign_ups: int
    sign_up_median: float
    sign_up_longest: float
    checkpoints: CheckpointWatch | None = None


@dataclass
class BackfillResult:
    users: int
    to_create: int
    first_sync: SyncRun | None
    sync: Samples = field(default_factory=Samples)
    sync_rss_kb: list[int] = field(default_factory=list)
    anchor: Samples = field(default_factory=Samples)
    same_result: bool = False
    naive_sample: int = 0
    naive_created: int = 0
    naive_seconds: float = 0.0
    watched: list[WatchedSync] = field(default_factory=list)
    batches: int = 0
    # Alternating runs after the timed ones: direct, and through PgBouncer.
    direct: Samples = field(default_factory=Samples)
    pooled: Samples = field(default_factory=Samples)
    # The nightly sync with nothing to do (every profile made and in step, after a
    # completed sync): `sync_users` (incremental), the anchor statement finding nothing
    # to create, alternately; and `sync_users --full` (every user probed) once or more.
    noop_sync: Samples = field(default_factory=Samples)
    noop_anchor: Samples = field(default_factory=Samples)
    noop_full: Samples = field(default_factory=Samples)
    noop_modes: list[str] = field(default_factory=list)
    noop_scanned: int = 0

    @property
    def naive_extrapolated(self) -> float:
        return self.naive_seconds * self.users / self.naive_sample

    @property
    def peak_rss_mb(self) -> float:
        return max(self.sync_rss_kb) / 1024

    def as_dict(self) -> dict:
        return {
            "users": self.users,
            "to_create": self.to_create,
            "first_sync": vars(self.first_sync) if self.first_sync else None,
            "sync_seconds": self.sync.as_dict(),
            "sync_rss_kb": self.sync_rss_kb,
            "anchor_seconds": self.anchor.as_dict(),
            "same_result": self.same_result,
            "naive": {
                "sample": self.naive_sample,
                "created": self.naive_created,
                "seconds": self.naive_seconds,
                "extrapolated_seconds": self.naive_extrapolated,
            },
            "watched": [
                {
                    "batch_size": w.batch_size,
                    "seconds": w.seconds,
                    "sign_ups": w.sign_ups,
                    "sign_up_median": w.sign_up_median,
                    "sign_up_longest": w.sign_up_longest,
                    "checkpoints": w.checkpoints.as_dict() if w.checkpoints else None,
                }
                | {k: v for k, v in vars(w.transactions).items() if k != "writes"}
                for w in self.watched
            ],
            "batches": self.batches,
            "pooler": {
                "direct_seconds": self.direct.as_dict() if self.direct.values else None,
                "pooled_seconds": self.pooled.as_dict() if self.pooled.values else None,
            },
            "noop_sync_seconds": self.noop_sync.as_dict() if self.noop_sync.values else None,
            "noop_anchor_seconds": (
                self.noop_anchor.as_dict() if self.noop_anchor.values else None
            ),
            "noop_full_seconds": self.noop_full.as_dict() if self.noop_full.values else None,
            "noop_modes": self.noop_modes,
            "noop_scanned": self.noop_scanned,
        }


def sync_command(
    scratch: Scratch, batch_size: int | None = None, database_url: str = "", full: bool = False
) -> SyncRun:
    size = ["--batch-size", str(batch_size)] if batch_size else []
    options = [*size, *(["--full"] if full else [])]
    run: ProcessRun = scratch.manage("sync_users", "--json", *options, database_url=database_url)
    data = json.loads(run.stdout)
    return SyncRun(
        seconds=run.seconds,
        max_rss_kb=run.max_rss_kb,
        created=data["created"],
        filled=data["filled"],
        batches=data["batches"],
        batch_size=data["batch_size"],
        mode=data.get("mode", "full"),
        scanned=data.get("scanned", 0),
    )


def anchor(conn: psycopg.Connection) -> tuple[float, int]:
    seconds, cursor = timed(lambda: conn.execute(bench_sql("anchor_backfill")))
    return seconds, cursor.rowcount


def checksum(conn: psycopg.Connection) -> tuple[int, str]:
    return conn.execute(bench_sql("profiles_checksum")).fetchone()


def _quiet(message: str) -> None:
    pass


def through_pooler(
    scratch: Scratch,
    data: Dataset,
    result: BackfillResult,
    runs: int,
    pool_size: int = 4,
    log: Callable[[str], None] = _quiet,
) -> None:
    """The sync direct and through PgBouncer in transaction mode, alternately (ABBA),
    each from the same starting state."""
    server = scratch.server
    with pgbouncer(server.host, server.port, scratch.name, pool_size) as url:
        for round_ in range(runs):
            order = ("", url) if round_ % 2 == 0 else (url, "")
            for database_url in order:
                data.restore()
                synced = sync_command(scratch, database_url=database_url)
                assert synced.created == result.to_create, (synced.created, result.to_create)
                (result.pooled if database_url else result.direct).add(synced.seconds)
                way = "through PgBouncer" if database_url else "direct"
                log(f"sync {way}: {synced.seconds:.1f} s")


def nothing_to_do(
    scratch: Scratch,
    data: Dataset,
    result: BackfillResult,
    repeats: int,
    full_runs: int,
    log: Callable[[str], None] = _quiet,
) -> None:
    """The nightly sync: everything already in step (run right after the watched
    syncs, which made every profile and recorded their watermark: no restore). One
    more sync, not timed (it warms the caches as the nightly one finds them); then
    `sync_users` and the anchor finding nothing to create, alternately (ABBA), and
    `sync_users --full`."""
    warm = sync_command(scratch)
    assert warm.created == 0, warm.created
    conn = data.conn
    for repeat in range(repeats):
        order = ("sync", "anchor") if repeat % 2 == 0 else ("anchor", "sync")
        for which in order:
            if which == "sync":
                run_ = sync_command(scratch)
                assert run_.created == 0 and run_.filled == 0, (run_.created, run_.filled)
                result.noop_sync.add(run_.seconds)
                result.noop_modes.append(run_.mode)
                result.noop_scanned = max(result.noop_scanned, run_.scanned)
            else:
                seconds, created = anchor(conn)
                assert created == 0, created
                result.noop_anchor.add(seconds)
        log(
            f"nothing to do, repeat {repeat + 1}: sync ({run_.mode}, {run_.scanned:,} "
            f"scanned) {result.noop_sync.values[-1]:.2f} s, anchor "
            f"{result.noop_anchor.values[-1]:.2f} s"
        )
    for _ in range(full_runs):
        full = sync_command(scratch, full=True)
        assert full.created == 0 and full.filled == 0, (full.created, full.filled)
        result.noop_full.add(full.seconds)
        log(f"nothing to do, sync_users --full: {full.seconds:.1f} s")


def checkpoint_query(conn: psycopg.Connection) -> str:
    """pg_stat_checkpointer from PostgreSQL 17 on, pg_stat_bgwriter before."""
    if conn.info.server_version >= 170000:
        return bench_sql("checkpoint_state")
    return bench_sql("checkpoint_state_bgwriter")


def run(
    scratch: Scratch,
    data: Dataset,
    repeats: int,
    naive_sample: int,
    watch_double_batch: bool = True,
    pooler_runs: int = 2,
    first_sync: bool = True,
    log: Callable[[str], None] = _quiet,
    noop_full_runs: int = 1,
) -> BackfillResult:
    conn = data.conn
    users, _, to_create = data.counts()
    # The first sync after loading also fills empty fields of the profiles the trigger
    # made (last_login, SSO ids): work the anchor does not do, so it is reported apart
    # and the timed repeats start from the state it leaves.
    # (Left out at the largest sizes, for time: the loaded profiles have nothing to fill.)
    first = sync_command(scratch) if first_sync else None
    if first:
        log(f"first sync: {first.seconds:.1f} s")
    result = BackfillResult(users=users, to_create=to_create, first_sync=first)
    for repeat in range(repeats):
        data.restore()
        run_ = sync_command(scratch)
        assert run_.created == to_create, (run_.created, to_create)
        result.sync.add(run_.seconds)
        result.sync_rss_kb.append(run_.max_rss_kb)
        result.batches = run_.batches
        if repeat == 0:
            synced_sum = checksum(conn)
        data.restore()
        seconds, created = anchor(conn)
        assert created == to_create, (created, to_create)
        result.anchor.add(seconds)
        log(f"repeat {repeat + 1}: sync {run_.seconds:.1f} s, anchor {seconds:.1f} s")
        if repeat == 0:
            result.same_result = checksum(conn) == synced_sum
    if pooler_runs:
        through_pooler(scratch, data, result, pooler_runs, log=log)
    # Watching adds a poller's load and sign-ups, so these runs are not among the timed
    # ones: the default batch size, and twice it (fewer, longer transactions), which
    # the largest runs may leave out for time.
    default_batch = run_.batch_size
    batch_sizes = [default_batch] + ([2 * default_batch] if watch_double_batch else [])
    for batch_size in batch_sizes:
        data.restore()
        checkpoints = CheckpointWatcher(
            lambda: scratch.connect(), checkpoint_query(conn), CHECKPOINT_INTERVAL
        )
        with (
            checkpoints,
            TransactionWatcher(
                lambda: scratch.connect(), bench_sql("transactions"), WATCH_INTERVAL
            ) as watcher,
            SignUpProbe(scratch) as probe,
        ):
            watched = sync_command(scratch, batch_size)
        checkpoints.attribute(watcher.result.writes)
        log(f"watched sync, batches of {batch_size:,}: {watched.seconds:.1f} s")
        conn.execute(bench_sql("delete_users"), {"ids": probe.ids})
        # The sign-ups' dead rows in the auth tables, which a restore leaves alone.
        data.settle()
        result.watched.append(
            WatchedSync(
                batch_size,
                watched.seconds,
                watcher.result,
                len(probe.ids),
                probe.median,
                probe.longest,
                checkpoints.result,
            )
        )
    nothing_to_do(scratch, data, result, max(repeats, 3), noop_full_runs, log=log)
    data.restore()
    result.naive_sample = min(naive_sample, users)
    result.naive_seconds, result.naive_created = timed(lambda: naive_backfill(result.naive_sample))
    log(f"naive way on {result.naive_sample:,} users: {result.naive_seconds:.1f} s")
    data.restore()
    return result
