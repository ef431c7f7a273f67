"""The ratios against the targets of the benchmark issues, all from the same run."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bench.report.format import n, section, x

if TYPE_CHECKING:
    from bench.report import Results

TARGET_USERS = 1_000_000
TARGET_SYNC_VS_ANCHOR = 1.15
TARGET_NOOP_SYNC_VS_ANCHOR = 1.5
TARGET_LONGEST_TRANSACTION = 0.5
TARGET_NAIVE_VS_SYNC = 15.0
TARGET_RSS_GROWTH_MB = 10.0
TARGET_STATUS_VS_RAW = 1.5
TARGET_STATUS_IN_PROCESS_VS_RAW = 1.0
TARGET_TRIGGER_SINGLE = 1.35
TARGET_HOOK_ISSUANCE = 1.2
TARGET_SIGN_IN = 1.2
TARGET_ADMIN_PAGE_SECONDS = 1.0
TARGET_SESSION_CHECK = 1.1
TARGET_POOLER_VS_DIRECT = 1.1
TARGET_HEALTH_VS_ONE_QUERY = 0.8


# The health URLs as served (their cache window on) and measured on every request.
HEALTH_TARGET_PATHS = (
    "/health",
    "/bench/health-measured",
    "/dashboard/health-check",
    "/bench/dashboard-health-measured",
)


def targets(results: Results) -> list[str]:
    rows: list[list[str]] = []

    def add(name: str, value: str, goal: str, met: bool) -> None:
        rows.append([name, value, goal, "yes" if met else "NO"])

    def at_most(name: str, ratio: float, target: float) -> None:
        add(name, x(ratio), f"≤ {target}x", ratio <= target)

    if results.backfill:
        big = results.backfill[-1]
        checked = [b for b in results.backfill if b.users >= TARGET_USERS] or [big]
        for b in checked:
            at_most(
                f"sync / anchor at {n(b.users)}",
                b.sync.median / b.anchor.median,
                TARGET_SYNC_VS_ANCHOR,
            )
        for b in checked:
            if b.noop_sync.values and b.noop_anchor.values:
                at_most(
                    f"sync with nothing to do / anchor finding nothing at {n(b.users)}",
                    b.noop_sync.median / b.noop_anchor.median,
                    TARGET_NOOP_SYNC_VS_ANCHOR,
                )
        if big.watched:
            longest = big.watched[0].transactions.longest_write
            cause = big.watched[0].checkpoints
            during = ""
            if cause is not None and cause.longest_writes:
                during = (
                    " (during a checkpoint)"
                    if cause.longest_write_during
                    else " (no checkpoint in progress)"
                )
            add(
                f"longest sync write transaction at {n(big.users)}",
                f"{longest:.3f} s{during}",
                f"≤ {TARGET_LONGEST_TRANSACTION} s",
                longest <= TARGET_LONGEST_TRANSACTION,
            )
        naive = big.naive_extrapolated / big.sync.median
        add(
            f"naive / sync at {n(big.users)}",
            x(naive),
            f"≥ {TARGET_NAIVE_VS_SYNC:.0f}x",
            naive >= TARGET_NAIVE_VS_SYNC,
        )
        if len(results.backfill) > 1:
            small = results.backfill[0]
            growth = big.peak_rss_mb - small.peak_rss_mb
            add(
                f"peak RSS at {n(big.users)} minus at {n(small.users)}",
                f"{growth:+.1f} MB",
                f"≤ {TARGET_RSS_GROWTH_MB:.0f} MB",
                growth <= TARGET_RSS_GROWTH_MB,
            )
        if big.pooled.values and big.direct.values:
            at_most(
                f"sync through PgBouncer / direct at {n(big.users)}",
                big.pooled.median / big.direct.median,
                TARGET_POOLER_VS_DIRECT,
            )
    if results.status:
        st = results.status[-1]
        at_most(
            f"sync_status / raw counts at {n(st.users)}",
            st.command.median / st.raw.median,
            TARGET_STATUS_VS_RAW,
        )
        at_most(
            f"`usersync.sync.status()` in a process / raw counts at {n(st.users)}",
            st.in_process.median / st.raw.median,
            TARGET_STATUS_IN_PROCESS_VS_RAW,
        )
    if results.signup:
        at_most(
            "single-row sign-up, trigger / none",
            results.signup.single_with.median / results.signup.single_without.median,
            TARGET_TRIGGER_SINGLE,
        )
    if results.signin:
        at_most(
            "one sign-in, trigger on_auth_user_signed_in / none",
            results.signin.with_trigger.median / results.signin.without_trigger.median,
            TARGET_SIGN_IN,
        )
    if results.hook:
        at_most(
            "token issuance, access token hook / trivial hook",
            results.hook.issuance_hook.median / results.hook.issuance_trivial.median,
            TARGET_HOOK_ISSUANCE,
        )
    if results.sessions:
        at_most(
            "token verification, one request, with the session check / without it",
            results.sessions.with_check.median / results.sessions.without_check.median,
            TARGET_SESSION_CHECK,
        )
    if results.admin:
        for page in results.admin.pages:
            if not page.seconds.values:
                continue
            median = page.seconds.median
            add(
                f"staff admin at {n(results.admin.users)}: {page.name} (HTTP {page.status}; "
                f"{x(median / page.anchor.median)} the one-query view)",
                f"{median:.3f} s",
                f"≤ {TARGET_ADMIN_PAGE_SECONDS} s",
                median <= TARGET_ADMIN_PAGE_SECONDS and page.status == 200,
            )
    anchor = results.health.anchor if results.health else None
    for path in results.health.paths if anchor and anchor.rps else ():
        if path.path in HEALTH_TARGET_PATHS and path.skipped is None:
            ratio = path.rps / anchor.rps
            add(
                f"`{path.path}` / one-query view (requests/s)",
                x(ratio),
                f"≥ {TARGET_HEALTH_VS_ONE_QUERY}x",
                ratio >= TARGET_HEALTH_VS_ONE_QUERY,
            )
    intro = []
    largest = max(results.settings["sizes"])
    if largest < TARGET_USERS:
        intro = [
            f"The targets are set for {n(TARGET_USERS)} users and more. At {n(largest)} fixed",
            "costs (Django start-up above all) dominate: this run only shows that the harness",
            "works.",
        ]
    return section(
        "Ratios and targets (medians, same run)",
        ["measure", "measured", "target", "met"],
        rows,
        *intro,
    )
