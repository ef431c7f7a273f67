"""The backfill's tables: each size's methods, the sync process's memory and
transactions, the sync through a transaction pooler."""

from __future__ import annotations

from bench.backfill import BackfillResult
from bench.report.format import NA, n, s, section, spread, x


def backfill(b: BackfillResult) -> list[str]:
    sync, anchor = b.sync.median, b.anchor.median
    naive = b.naive_extrapolated
    rows = [
        [
            "`manage.py sync_users` (process, Django start-up included)",
            s(b.sync.min),
            s(sync),
            s(b.sync.max),
            n(round(b.to_create / sync)),
            x(sync / anchor),
        ],
        [
            "anchor: one `INSERT … SELECT … WHERE NOT EXISTS` statement",
            s(b.anchor.min),
            s(anchor),
            s(b.anchor.max),
            n(round(b.to_create / anchor)),
            x(1.0),
        ],
        [
            f"naive: ORM `get_or_create` per user ({n(b.naive_sample)} measured, "
            f"{s(b.naive_seconds)} s; extrapolated)",
            NA,
            s(naive),
            NA,
            n(round(b.naive_created / b.naive_seconds)) if b.naive_seconds else NA,
            x(naive / anchor),
        ],
    ]
    if b.first_sync:
        rows.append(
            [
                f"first `sync_users` after loading (also fills {n(b.first_sync.filled)} "
                f"empty fields), once",
                NA,
                s(b.first_sync.seconds),
                NA,
                n(round(b.first_sync.created / b.first_sync.seconds)),
                x(b.first_sync.seconds / anchor),
            ]
        )
    title = (
        f"Backfill: {n(b.users)} auth users, {n(b.to_create)} without a profile "
        f"({len(b.sync.values)} repeats; same result as the anchor: "
        f"{'yes' if b.same_result else 'NO'})"
    )
    return section(title, ["method", "min s", "median s", "max s", "profiles/s", "vs anchor"], rows)


def sync_process(results: list[BackfillResult]) -> list[str]:
    memory = [[n(b.users), f"{b.peak_rss_mb:.1f}", n(len(b.sync_rss_kb))] for b in results]
    transactions = [
        [
            n(b.users),
            n(w.batch_size),
            s(w.seconds),
            n(w.transactions.transactions),
            s(w.transactions.median_write),
            s(w.transactions.longest_write),
            s(w.transactions.longest_any),
            f"{n(w.sign_ups)}: {w.sign_up_median * 1000:.1f} / {w.sign_up_longest * 1000:.0f}",
        ]
        for b in results
        for w in b.watched
    ]
    interval = results[0].watched[0].transactions.interval * 1000 if results[0].watched else 0
    return section(
        "The sync process: memory",
        ["users", "peak RSS MB", "runs"],
        memory,
        "Peak RSS of the `sync_users` process: its VmHWM in /proc, polled every 10 ms until",
        "it exits (the largest of the timed runs).",
    ) + section(
        "The sync process: transactions",
        [
            "users",
            "batch size",
            "run s",
            "transactions",
            "median write s",
            "longest write s",
            "longest of any kind s",
            "sign-ups meanwhile: median / longest ms",
        ],
        transactions,
        f"`pg_stat_activity.xact_start` of the sync's connection, polled every {interval:.0f} ms",
        "from a second connection during extra runs that are not among the timed ones. Write",
        "transactions are the batches (and the run record); the longest of any kind is the",
        "read-only snapshot of the status report printed at the end. Meanwhile a sign-up every",
        "50 ms (as supabase_auth_admin, one transaction each) times what a person signing up",
        "waits for while the sync runs.",
    )


def pooler(results: list[BackfillResult]) -> list[str]:
    measured = [b for b in results if b.pooled.values and b.direct.values]
    rows = [
        [
            n(b.users),
            spread(b.direct),
            spread(b.pooled),
            x(b.pooled.median / b.direct.median),
        ]
        for b in measured
    ]
    if not rows:
        return []
    return section(
        "The sync through a transaction pooler",
        ["users", "direct: median (min-max)", "through PgBouncer: median (min-max)", "ratio"],
        rows,
        "`manage.py sync_users` after the timed repeats, alternately direct and through",
        "PgBouncer in transaction mode (as Supabase's pooler on port 6543), each from the",
        f"same starting state ({len(measured[-1].pooled.values)} runs of each).",
    )


def nothing_to_do(results: list[BackfillResult]) -> list[str]:
    measured = [b for b in results if b.noop_sync.values and b.noop_anchor.values]
    rows = [
        [
            n(b.users),
            spread(b.noop_sync),
            ", ".join(sorted(set(b.noop_modes))),
            n(b.noop_scanned),
            spread(b.noop_anchor),
            x(b.noop_sync.median / b.noop_anchor.median),
            spread(b.noop_full) if b.noop_full.values else NA,
            x(b.noop_full.median / b.noop_anchor.median) if b.noop_full.values else NA,
        ]
        for b in measured
    ]
    if not rows:
        return []
    return section(
        "The nightly sync with nothing to do",
        [
            "users",
            "`sync_users`: median (min-max)",
            "mode",
            "users probed",
            "anchor finding nothing: median (min-max)",
            "sync / anchor",
            "`sync_users --full`",
            "full / anchor",
        ],
        rows,
        "Every profile made and in step, after a completed sync (its watermark):",
        "`manage.py sync_users` as a process (Django start-up included) and the anchor",
        "statement, which finds nothing to create, alternately; then `sync_users --full`,",
        "which probes every user for fields to fill (what every sync did before the",
        "incremental one).",
    )


def checkpoints(results: list[BackfillResult]) -> list[str]:
    rows = []
    for b in results:
        for w in b.watched:
            c = w.checkpoints
            if c is None:
                continue
            longest = c.longest_writes[0] if c.longest_writes else None
            rows.append(
                [
                    n(b.users),
                    n(w.batch_size),
                    f"{n(c.timed)} timed, {n(c.requested)} requested",
                    n(c.buffers_written),
                    s(c.checkpointing_seconds),
                    f"{n(c.writes_during)} of {n(c.writes)}",
                    f"{s(c.median_write_during)} / {s(c.median_write_outside)}",
                    (
                        f"{s(longest[1])} s, {'during' if longest[2] else 'outside'} a checkpoint"
                        if longest
                        else NA
                    ),
                ]
            )
    if not rows:
        return []
    return section(
        "The sync process: checkpoints during its batches",
        [
            "users",
            "batch size",
            "checkpoints completed",
            "buffers they wrote",
            "checkpoint in progress s",
            "write transactions during one",
            "median write during / outside s",
            "longest write",
        ],
        rows,
        "During the watched syncs above, a third connection polls the checkpointer every",
        "20 ms (its wait event in `pg_stat_activity`: anything but `CheckpointerMain` is a",
        "checkpoint in progress; its counters in `pg_stat_checkpointer` on PostgreSQL 17+,",
        "`pg_stat_bgwriter` before), and each batch's write transaction is marked by whether",
        "a checkpoint was in progress while it ran: the longest write's cause, measured.",
    )
