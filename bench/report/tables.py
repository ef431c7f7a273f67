"""The tables of the other measurements: status, sign-ups, the access token hook, the
session check and the health URLs."""

from __future__ import annotations

from bench.admin_pages import AdminPagesResult
from bench.health import HealthResult
from bench.hook import HookResult
from bench.report.format import NA, n, s, section, spread, us, x
from bench.sessions import SessionsResult
from bench.signin import SignInResult
from bench.signup import SignUpResult
from bench.status import StatusResult


def status(st: StatusResult) -> list[str]:
    raw = st.raw.median
    rows = [
        [
            "`manage.py sync_status --json` (process)",
            s(st.command.min),
            s(st.command.median),
            x(st.command.median / raw),
        ],
        [
            "`usersync.sync.status()` (in a running process)",
            s(st.in_process.min),
            s(st.in_process.median),
            x(st.in_process.median / raw),
        ],
        ["raw counting queries (one open connection)", s(st.raw.min), s(raw), x(1.0)],
    ]
    title = f"Status: {n(st.users)} auth users (counts agree: {'yes' if st.agree else 'NO'})"
    return section(title, ["method", "min s", "median s", "vs raw"], rows)


def signup(su: SignUpResult) -> list[str]:
    single = su.single_with.median / su.single_without.median
    bulk = su.bulk_with.median / su.bulk_without.median
    rows = [
        [
            f"single-row sign-up ({n(su.single_inserts)} per round, one transaction each)",
            spread(su.single_with, 1e6, "µs"),
            spread(su.single_without, 1e6, "µs"),
            x(single),
        ],
        [
            f"bulk import of {n(su.bulk_users)} users and identities in one statement",
            spread(su.bulk_with),
            spread(su.bulk_without),
            x(bulk),
        ],
    ]
    return section(
        f"Sign-up cost of the trigger (medians of {len(su.single_with.values)} rounds of single "
        f"sign-ups, of {len(su.bulk_with.values)} bulk imports)",
        [
            "case",
            "with our triggers: median (min-max)",
            "triggers disabled: median (min-max)",
            "ratio of medians",
        ],
        rows,
    )


def hook(h: HookResult) -> list[str]:
    rows = [
        [
            f"token issuance as the auth service runs the hook ({n(h.calls_per_round)} per "
            "round, one transaction each)",
            us(h.issuance_hook),
            us(h.issuance_trivial),
            x(h.issuance_hook.median / h.issuance_trivial.median),
        ],
        [
            "the function alone (every call of a round in one statement)",
            us(h.function_hook),
            us(h.function_trivial),
            x(h.function_hook.median / h.function_trivial.median),
        ],
    ]
    return section(
        f"Access token hook: {n(h.users)} auth users (medians of "
        f"{len(h.issuance_hook.values)} rounds, as supabase_auth_admin)",
        ["case", "usersync.access_token_hook", "trivial hook", "ratio"],
        rows,
    )


def sessions(v: SessionsResult) -> list[str]:
    rows = [
        [
            f"token verified and its user admitted, one request ({n(v.calls_per_round)} per round)",
            us(v.with_check),
            us(v.without_check),
            x(v.with_check.median / v.without_check.median),
        ]
    ]
    return section(
        f"Session check: {n(v.users)} auth users, one session each (medians of "
        f"{len(v.with_check.values)} rounds, in process on Django's connection)",
        ["case", "with the session check", "without it", "ratio"],
        rows,
    )


def health(h: HealthResult) -> list[str]:
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
                f"HTTP {p.probe_status}, {n(p.requests)} requests in {p.seconds:.1f} s",
                f"{at_least}{p.rps:.1f}",
                x(p.rps / anchor.rps) if anchor and anchor.rps else NA,
                n(p.non_2xx),
            ]
        )
    title = (
        f"Health URLs: {n(h.users)} auth users, gunicorn {h.workers} sync workers, "
        f"{h.generator} with {h.concurrency} connections"
    )
    return section(title, ["path", "outcome", "requests/s", "vs one-query view", "non-2xx"], rows)


def signin(si: SignInResult) -> list[str]:
    rows = [
        [
            f"one sign-in (`UPDATE auth.users SET last_sign_in_at`; {n(si.updates)} per round, "
            "one transaction each, each a different user with a profile)",
            spread(si.with_trigger, 1e6, "µs"),
            spread(si.without_trigger, 1e6, "µs"),
            x(si.with_trigger.median / si.without_trigger.median),
        ]
    ]
    return section(
        f"Sign-in cost of the trigger on_auth_user_signed_in (medians of "
        f"{len(si.with_trigger.values)} rounds, as supabase_auth_admin)",
        [
            "case",
            "with the trigger: median (min-max)",
            "trigger disabled: median (min-max)",
            "ratio",
        ],
        rows,
    )


def admin_pages(ad: AdminPagesResult) -> list[str]:
    rows = [
        [
            p.name,
            f"`{p.path}`",
            str(p.status),
            spread(p.seconds, 1e3, "ms"),
            spread(p.anchor, 1e3, "ms"),
            x(p.seconds.median / p.anchor.median),
        ]
        for p in ad.pages
        if p.seconds.values and p.anchor.values
    ]
    return section(
        f"The staff admin: {n(ad.users)} auth users, {n(ad.profiles)} profiles",
        ["page", "path", "HTTP", "warm: median (min-max)", "one-query view", "ratio"],
        rows,
        f"A signed-in superuser's warm requests through Django's test client ({ad.requests} per",
        "page after 2 warm-up requests, DEBUG off), each alternating with one of the one-query",
        "view `/bench/one-query` (one `SELECT 1` through the same middleware).",
    )
