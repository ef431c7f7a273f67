"""How the data set and the costs grow with its size: loading and its sizes on disk,
the restore between repeats, and the cost per auth user at each size."""

from __future__ import annotations

from bench.backfill import BackfillResult
from bench.loading import LoadResult
from bench.measure import Samples
from bench.report.format import NA, mb, n, s, section, spread, x
from bench.status import StatusResult


def loads(results: list[LoadResult], restores: dict[int, list[float]]) -> list[str]:
    rows = [
        [
            n(r.users),
            n(r.added),
            s(r.seconds),
            s(r.insert_seconds),
            s(r.index_seconds),
            s(r.profile_seconds),
            s(r.settle_seconds),
            mb(r.database_bytes),
            mb(r.users_bytes),
            mb(r.profiles_bytes),
            spread(Samples(restores[r.users])) if restores.get(r.users) else NA,
        ]
        for r in results
    ]
    return section(
        "The data set: loading, size on disk, restore between repeats",
        [
            "users",
            "added",
            "load s",
            "inserts s",
            "indexes s",
            "profiles s",
            "vacuum + checkpoint s",
            "database MB",
            "auth.users MB",
            "user_profiles MB",
            "restore: median (min-max)",
        ],
        rows,
        "usersync's seed statement in chunks of up to a million users with every trigger off,",
        "the indexes built after it, the sign-ups' profiles made in one statement from the",
        "trigger's rules; sizes with indexes and TOAST (pg_database_size,",
        "pg_total_relation_size). The restore deletes the profiles a backfill made and",
        "vacuums them, before every timed run.",
    )


def _per_user(samples: list[Samples], users: list[int]) -> list[float]:
    return [sample.median / count * 1e6 for sample, count in zip(samples, users, strict=True)]


def per_user(backfill: list[BackfillResult], status: list[StatusResult]) -> list[str]:
    measures: list[tuple[str, list[int], list[float]]] = []
    if backfill:
        users = [b.users for b in backfill]
        measures += [
            ("`manage.py sync_users`", users, _per_user([b.sync for b in backfill], users)),
            ("anchor statement", users, _per_user([b.anchor for b in backfill], users)),
        ]
    if status:
        users = [st.users for st in status]
        measures += [
            ("`usersync.sync.status()`", users, _per_user([st.in_process for st in status], users)),
            ("raw counting queries", users, _per_user([st.raw for st in status], users)),
            (
                "`manage.py sync_status --json`",
                users,
                _per_user([st.command for st in status], users),
            ),
        ]
    if not measures:
        return []
    sizes = sorted({size for _, users, _ in measures for size in users})
    rows = []
    for name, users, costs in measures:
        by_size = dict(zip(users, costs, strict=True))
        cells = [f"{by_size[size]:,.2f}" if size in by_size else NA for size in sizes]
        growth = x(costs[-1] / costs[0]) if len(costs) > 1 and costs[0] else NA
        rows.append([name, *cells, growth])
    return section(
        "Cost per auth user (µs, medians)",
        ["measure", *(n(size) for size in sizes), "largest / smallest"],
        rows,
        "Median seconds divided by the auth users at that size: a flat row grows linearly.",
    )
