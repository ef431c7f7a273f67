"""The results as Markdown tables: every measurement, how costs grow with the size,
then the ratios against the targets of the benchmark issues (all from the same run)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bench.admin_pages import AdminPagesResult
from bench.backfill import BackfillResult
from bench.health import HealthResult
from bench.hook import HookResult
from bench.loading import LoadResult
from bench.report import backfill, scale, tables
from bench.report.targets import targets
from bench.sessions import SessionsResult
from bench.signin import SignInResult
from bench.signup import SignUpResult
from bench.status import StatusResult


@dataclass
class Results:
    machine: dict
    settings: dict
    loads: list[LoadResult] = field(default_factory=list)
    # Seconds of each restore between repeats, by the number of users.
    restore_seconds: dict[int, list[float]] = field(default_factory=dict)
    backfill: list[BackfillResult] = field(default_factory=list)
    status: list[StatusResult] = field(default_factory=list)
    signup: SignUpResult | None = None
    signin: SignInResult | None = None
    admin: AdminPagesResult | None = None
    hook: HookResult | None = None
    sessions: SessionsResult | None = None
    health: HealthResult | None = None

    def as_dict(self) -> dict:
        return {
            "machine": self.machine,
            "settings": self.settings,
            "loads": [load.as_dict() for load in self.loads],
            "restore_seconds": self.restore_seconds,
            "backfill": [b.as_dict() for b in self.backfill],
            "status": [s.as_dict() for s in self.status],
            "signup": self.signup.as_dict() if self.signup else None,
            "signin": self.signin.as_dict() if self.signin else None,
            "admin": self.admin.as_dict() if self.admin else None,
            "hook": self.hook.as_dict() if self.hook else None,
            "sessions": self.sessions.as_dict() if self.sessions else None,
            "health": self.health.as_dict() if self.health else None,
        }


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
    if results.loads:
        lines += scale.loads(results.loads, results.restore_seconds)
    for b in results.backfill:
        lines += backfill.backfill(b)
    if results.backfill:
        lines += backfill.sync_process(results.backfill)
        lines += backfill.checkpoints(results.backfill)
        lines += backfill.pooler(results.backfill)
        lines += backfill.nothing_to_do(results.backfill)
    for s in results.status:
        lines += tables.status(s)
    lines += scale.per_user(results.backfill, results.status)
    if results.signup:
        lines += tables.signup(results.signup)
    if results.signin:
        lines += tables.signin(results.signin)
    if results.hook:
        lines += tables.hook(results.hook)
    if results.sessions:
        lines += tables.sessions(results.sessions)
    if results.admin:
        lines += tables.admin_pages(results.admin)
    if results.health:
        lines += tables.health(results.health)
    lines += targets(results)
    return "\n".join(lines)
