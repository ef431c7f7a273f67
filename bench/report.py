"""The results as Markdown tables: every measurement, then the ratios against the
targets of the benchmark issue (all from the same run)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bench.backfill import BackfillResult
from bench.health import HealthResult
from bench.hook import HookResult
from bench.signup import SignUpResult
from bench.status import StatusResult

TARGET_USERS = 1_000_000
TARGET_SYNC_VS_ANCHOR = 1.15
TARGET_LONGEST_TRANSACTION = 0.5
TARGET_NAIVE_VS_SYNC = 15.0
TARGET_RSS_GROWTH_MB = 10.0
TARGET_STATUS_VS_RAW = 1.5
TARGET_TRIGGER_SINGLE = 1.35
TARGET_HOOK_ISSUANCE = 1.2


@dataclass
class Results:
    machine: dict
    settings: dict
    backfill: list[BackfillResult] = field(default_factory=list)
    status: list[StatusResult] = field(default_factory=list)
    signup: SignUpResult | None = None
    hook: HookResult | None = None
    health: HealthResult | None = None

    def as_dict(self) -> dict:
        return {
            "machine": self.machine,
            "settings": self.settings,
            "backfill": [b.as_dict() for b in self.backfill],
            "status": [s.as_dict() for s in self.status],
            "signup": self.signup.as_dict() if self.signup else None,
            "hook": self.hook.as_dict() if self.hook else None,
            "health": self.health.as_dict() if self.health else None,
        }


NA = "n/a"


def _n(value: int) -> str:
    return f"{value:,}"


def _s(seconds: float) -> str:
    return f"{seconds:.3f}" if seconds < 10 else f"{seconds:.1f}"


def _x(ratio: float) -> str:
    return f"{ratio:.2f}x"


def _section(title: str, header: list[str], rows: list[list[str]], *intro: str) -> list[str]:
    lines = [f"### {title}", ""]
    if intro:
        lines += [" ".join(intro), ""]
    lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return [*lines, ""]


def _backfill(b: BackfillResult) -> list[str]:
    sync, anchor = b.sync.median, b.anchor.median
    naive = b.naive_extrapolated
    rows = [
        [
            "`manage.py sync_users` (process, Django start-up included)",
            _s(b.sync.min),
            _s(sync),
            _n(round(b.to_create / sync)),
            _x(sync / anchor),
        ],
        [
            "anchor: one `INSERT … SELECT … WHERE NOT EXISTS` statement",
            _s(b.anchor.min),
            _s(anchor),
            _n(round(b.to_create / anchor)),
            _x(1.0),
        ],
        [
            f"naive: ORM `get_or_create` per user ({_n(b.naive_sample)} measured, "
            f"{_s(b.naive_seconds)} s; extrapolated)",
            NA,
            _s(naive),
            _n(round(b.naive_created / b.naive_seconds)) if b.naive_seconds else NA,
            _x(naive / anchor),
        ],
        [
            f"first `sync_users` after loading (also fills {_n(b.first_sync.filled)} "
            f"empty fields), once",
            NA,
            _s(b.first_sync.seconds),
            _n(round(b.first_sync.created / b.first_sync.seconds)),
            _x(b.first_sync.seconds / anchor),
        ],
    ]
    title = (
        f"Backfill: {_n(b.users)} auth users, {_n(b.to_create)} without a profile "
        f"({len(b.sync.values)} repeats; same result as the anchor: "
        f"{'yes' if b.same_result else 'NO'})"
    )
    return _section(title, ["method", "min s", "median s", "profiles/s", "vs anchor"], rows)


def _sync_process(backfill: list[BackfillResult]) -> list[str]:
    memory = [[_n(b.users), f"{b.peak_rss_mb:.1f}", _n(len(b.sync_rss_kb))] for b in backfill]
    transactions = [
        [
            _n(b.users),
            _n(w.batch_size),
            _s(w.seconds),
            _n(w.transactions.transactions),
            _s(w.transactions.median_write),
            _s(w.transactions.longest_write),
            _s(w.transactions.longest_any),
            f"{_n(w.sign_ups)}: {w.sign_up_median * 1000:.1f} / {w.sign_up_longest * 1000:.0f}",
        ]
        for b in backfill
        for w in b.watched
    ]
    interval = backfill[0].watched[0].transactions.interval * 1000 if backfill[0].watched else 0
    return _section(
        "The sync process: memory",
        ["users", "peak RSS MB", "runs"],
        memory,
        "Peak RSS of the `sync_users` process: its VmHWM in /proc, polled every 10 ms until",
        "it exits (the largest of the timed runs).",
    ) + _section(
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


def _status(s: StatusResult) -> list[str]:
    raw = s.raw.median
    rows = [
        [
            "`manage.py sync_status --json` (process)",
            _s(s.command.min),
            _s(s.command.median),
            _x(s.command.median / raw),
        ],
        [
            "`usersync.sync.status()` (in a running process)",
            _s(s.in_process.min),
            _s(s.in_process.median),
            _x(s.in_process.median / raw),
        ],
        ["raw counting queries (one open connection)", _s(s.raw.min), _s(raw), _x(1.0)],
    ]
    title = f"Status: {_n(s.users)} auth users (counts agree: {'yes' if s.agree else 'NO'})"
    return _section(title, ["method", "min s", "median s", "vs raw"], rows)


def _signup(s: SignUpResult) -> list[str]:
    single = s.single_with.median / s.single_without.median
    bulk = s.bulk_with.median / s.bulk_without.median
    rows = [
        [
            f"single-row sign-up ({_n(s.single_inserts)} per round, one transaction each)",
            f"{s.single_with.median * 1e6:.0f} µs (min {s.single_with.min * 1e6:.0f})",
            f"{s.single_without.median * 1e6:.0f} µs (min {s.single_without.min * 1e6:.0f})",
            _x(single),
        ],
        [
            f"bulk import of {_n(s.bulk_users)} users and identities in one statement",
            f"{_s(s.bulk_with.median)} s (min {_s(s.bulk_with.min)})",
            f"{_s(s.bulk_without.median)} s (min {_s(s.bulk_without.min)})",
            _x(bulk),
        ],
    ]
    return _section(
        f"Sign-up cost of the trigger (medians of {len(s.single_with.values)} rounds of single "
        f"sign-ups, of {len(s.bulk_with.values)} bulk imports)",
        ["case", "with our triggers", "triggers disabled", "ratio"],
        rows,
    )


def _us(samples) -> str:
    return f"{samples.median * 1e6:.0f} µs (min {samples.min * 1e6:.0f})"


def _hook(h: HookResult) -> list[str]:
    rows = [
        [
            f"token issuance as the auth service runs the hook ({_n(h.calls_per_round)} per "
            "round, one transaction each)",
            _us(h.issuance_hook),
            _us(h.issuance_trivial),
            _x(h.issuance_hook.median / h.issuance_trivial.median),
        ],
        [
            "the function alone (every call of a round in one statement)",
            _us(h.function_hook),
            _us(h.function_trivial),
            _x(h.function_hook.median / h.function_trivial.median),
        ],
    ]
    return _section(
        f"Access token hook: {_n(h.users)} auth users (medians of "
        f"{len(h.issuance_hook.values)} rounds, as supabase_auth_admin)",
        ["case", "usersync.access_token_hook", "trivial hook", "ratio"],
        rows,
    )


def _health(h: HealthResult) -> list[str]:
    anchor = h.anchor
    rows = []
    for p in h.paths:
        if p.skipped is not None:
            rows.append([f"`{p.path}`", p.skipped, NA, NA, NA])
            continue
        at_least = "≥ " if p.capped else ""
        rows.append(
            [
                f"`{p.path}`",
                f"HTTP {p.probe_status}, {_n(p.requests)} requests in {p.seconds:.1f} s",
                f"{at_least}{p.rps:.1f}",
                _x(p.rps / anchor.rps) if anchor and anchor.rps else NA,
                _n(p.non_2xx),
            ]
        )
    title = (
        f"Health URLs: {_n(h.users)} auth users, gunicorn {h.workers} sync workers, "
        f"{h.generator} with {h.concurrency} connections"
    )
    return _section(title, ["path", "outcome", "requests/s", "vs one-query view", "non-2xx"], rows)


def _targets(results: Results) -> list[str]:
    rows: list[list[str]] = []

    def add(name: str, value: str, goal: str, met: bool) -> None:
        rows.append([name, value, goal, "yes" if met else "NO"])

    if results.backfill:
        big = results.backfill[-1]
        ratio = big.sync.median / big.anchor.median
        add(
            f"sync / anchor at {_n(big.users)}",
            _x(ratio),
            f"≤ {TARGET_SYNC_VS_ANCHOR}x",
            ratio <= TARGET_SYNC_VS_ANCHOR,
        )
        if big.watched:
            longest = big.watched[0].transactions.longest_write
            add(
                f"longest sync write transaction at {_n(big.users)}",
                f"{longest:.3f} s",
                f"≤ {TARGET_LONGEST_TRANSACTION} s",
                longest <= TARGET_LONGEST_TRANSACTION,
            )
        naive = big.naive_extrapolated / big.sync.median
        add(
            f"naive / sync at {_n(big.users)}",
            _x(naive),
            f"≥ {TARGET_NAIVE_VS_SYNC:.0f}x",
            naive >= TARGET_NAIVE_VS_SYNC,
        )
        if len(results.backfill) > 1:
            small = results.backfill[0]
            growth = big.peak_rss_mb - small.peak_rss_mb
            add(
                f"peak RSS at {_n(big.users)} minus at {_n(small.users)}",
                f"{growth:+.1f} MB",
                f"≤ {TARGET_RSS_GROWTH_MB:.0f} MB",
                growth <= TARGET_RSS_GROWTH_MB,
            )
    if results.status:
        s = results.status[-1]
        ratio = s.command.median / s.raw.median
        add(
            f"sync_status / raw counts at {_n(s.users)}",
            _x(ratio),
            f"≤ {TARGET_STATUS_VS_RAW}x",
            ratio <= TARGET_STATUS_VS_RAW,
        )
    if results.signup:
        ratio = results.signup.single_with.median / results.signup.single_without.median
        add(
            "single-row sign-up, trigger / none",
            _x(ratio),
            f"≤ {TARGET_TRIGGER_SINGLE}x",
            ratio <= TARGET_TRIGGER_SINGLE,
        )
    if results.hook:
        ratio = results.hook.issuance_hook.median / results.hook.issuance_trivial.median
        add(
            "token issuance, access token hook / trivial hook",
            _x(ratio),
            f"≤ {TARGET_HOOK_ISSUANCE}x",
            ratio <= TARGET_HOOK_ISSUANCE,
        )
    intro = []
    largest = max(results.settings["sizes"])
    if largest < TARGET_USERS:
        intro = [
            f"The targets are set for {_n(TARGET_USERS)} users. At {_n(largest)} fixed costs",
            "(Django start-up above all) dominate: this run only shows that the harness works.",
        ]
    return _section(
        "Ratios and targets (medians, same run)",
        ["measure", "measured", "target", "met"],
        rows,
        *intro,
    )


def render(results: Results) -> str:
    m = results.machine
    lines = [
        "## usersync benchmark",
        "",
        f"Machine: {m['cpu']}, {m['nproc']} cores, {m['memory_gb']:.0f} GB; "
        f"{m['postgres']}; Python {m['python']}; load average "
        f"{m['load_before']} before, {m['load_after']} after.",
        f"Command: `{results.settings['command']}`",
        "",
    ]
    for b in results.backfill:
        lines += _backfill(b)
    if results.backfill:
        lines += _sync_process(results.backfill)
    for s in results.status:
        lines += _status(s)
    if results.signup:
        lines += _signup(results.signup)
    if results.hook:
        lines += _hook(results.hook)
    if results.health:
        lines += _health(results.health)
    lines += _targets(results)
    return "\n".join(lines)
