"""Text for people: what the commands print when --json is not given."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TextIO

from tqdm import tqdm

from usersync.sync import BatchResult, PlannedProfile, SyncPlan, SyncResult, SyncStatus
from usersync.sync.walk import Rows

OK, FAIL, WARN = "✅", "❌", "⚠️"
INFO = "\u2139\ufe0f"  # information source


def number(value: int) -> str:
    return f"{value:,}"


def plural(count: int, noun: str) -> str:
    suffix = "" if count == 1 else ("es" if noun.endswith(("s", "ch")) else "s")
    return f"{number(count)} {noun}{suffix}"


def render_status_line(status: SyncStatus) -> str:
    mark = OK if status.in_sync else FAIL
    return (
        f"{mark} {number(status.eligible_users - status.missing_profiles)} of "
        f"{number(status.eligible_users)} users have a profile ({status.sync_percentage_text}); "
        f"{number(status.missing_profiles)} missing"
    )


def render_verdict(status: SyncStatus) -> list[str]:
    """The status's first line says whether all is well (`sync_status | head -1`); each
    further problem gets a line beneath it."""
    problems = status.problems()
    if not problems:
        return [
            f"{OK} All is well: {number(status.eligible_users)} of "
            f"{number(status.eligible_users)} users have a profile; both triggers are "
            f"installed and enabled"
        ]
    first, *others = problems
    return [f"{FAIL} {plural(len(problems), 'problem')}: {first}"] + [
        f"   {FAIL} {problem}" for problem in others
    ]


def render_status(status: SyncStatus, verbose: bool = False) -> list[str]:
    lines = [
        *render_verdict(status),
        f"Total auth users:    {number(status.total_auth_users)} = {status.auth_users_breakdown}",
        f"Total user profiles: {number(status.total_profiles)} = {status.profiles_breakdown}",
        f"Missing profiles:    {number(status.missing_profiles)} = {status.missing_breakdown}",
        f"Sync percentage:     {status.sync_percentage_text} "
        f"(truncated: 100.00% only when none is missing)",
        render_status_line(status),
    ]
    if status.running_sync is not None:
        lines.append(
            f"{INFO} Sync in progress: {status.running_sync.describe(status.total_auth_users)}"
        )
    lines.append(
        f"Deactivated in usersync: {number(status.deactivated_profiles)}; "
        f"banned in Supabase Auth: {number(status.banned_users)}"
    )
    if status.ban_drift_sentence:
        lines.append(f"{WARN} {status.ban_drift_sentence}")
    trigger = status.trigger
    lines.append(f"{OK if trigger.working else FAIL} {trigger.sentence}")
    lines.append(f"{OK if trigger.signin_working else FAIL} {trigger.signin_sentence}")
    if trigger.failures_sentence:
        lines.append(f"{WARN} {trigger.failures_sentence}")
    last = status.last_sync
    if last is None:
        lines.append("Last sync: never")
    else:
        lines.append(
            f"Last sync: {last.started_at:%Y-%m-%d %H:%M:%S %Z}, {last.status}, "
            f"{last.duration_seconds} s, created {number(last.created)}"
        )
    if verbose:
        lines += [
            f"Eligible users (not soft-deleted): {number(status.eligible_users)}",
            f"Soft-deleted users (no profile needed): {number(status.soft_deleted_users)}",
            f"Anonymous users: {number(status.anonymous_users)}",
            f"Orphan profiles (no auth user): {number(status.orphan_profiles)}",
        ]
        if last is not None:
            lines.append(
                f"Last sync detail: run {last.id} by {last.triggered_by}, "
                f"{last.batches} batches, filled {number(last.filled)}, reset {number(last.reset)}"
                + (f", error: {last.error}" if last.error else "")
            )
    return lines


def render_plan(plan: SyncPlan, would_reset: int | None = None) -> list[str]:
    lines = [
        "Dry run: nothing was written.",
        f"Would create {number(plan.would_create)} profiles and fill empty fields of "
        f"{number(plan.would_fill)} existing profiles; existing values would be kept.",
    ]
    if would_reset is not None:
        lines.append(
            f"--no-preserve would reset {number(would_reset)} profiles that hold non-default data."
        )
    if plan.by_provider:
        lines.append("Profiles to create, by sign-up provider:")
        width = max((len(provider) for provider in plan.by_provider), default=0)
        lines += [
            f"  {provider:<{width}}  {number(count)}"
            for provider, count in plan.by_provider.items()
        ]
    if plan.sample:
        lines.append("Users without a profile:")
        lines += [render_planned(p) for p in plan.sample]
        lines += render_more(plan.would_create, len(plan.sample))
    return lines


def render_planned(profile: PlannedProfile) -> str:
    contact = profile.email or profile.phone or "(no email)"
    return f"  {profile.user_id}  {profile.provider:<10} {contact}"


def render_more(total: int, listed: int) -> list[str]:
    if total <= listed:
        return []
    return [f"  ... and {number(total - listed)} more (--limit N or --limit all to list them)"]


def render_batch(batch: BatchResult) -> str:
    return (
        f"batch {batch.number}: scanned {number(batch.scanned)}, created {number(batch.created)}, "
        f"filled {number(batch.filled)}"
        + (f", reset {number(batch.reset)}" if batch.reset else "")
        + f" ({render_rows(batch.rows)})"
    )


def render_rows(rows: Rows) -> str:
    if rows.catch_up:
        return f"catching up on {plural(len(rows.ctids), 'row')} written meanwhile"
    return f"pages {number(rows.first_page)}-{number(rows.stop_page - 1)} of {number(rows.pages)}"


def render_sync_result(result: SyncResult) -> list[str]:
    lines = []
    kept = (
        "kept every existing value"
        if result.preserve
        else f"reset {number(result.reset)} profiles (old values in admin_audit_log)"
    )
    batches = plural(len(result.batches), "batch")
    lines.append(
        f"{OK} Synchronised {number(result.scanned)} auth users in {batches} "
        f"({result.duration_seconds} s): created {number(result.created)} profiles, filled "
        f"empty fields of {number(result.filled)}, {kept}."
    )
    if result.mode == "incremental":
        lines.append(
            "Incremental: fields to fill checked only for users written since the last "
            "completed sync (--full checks every user)."
        )
    else:
        lines.append(f"Full: every user checked ({result.full_reason}).")
    if result.displayed:
        lines.append(
            f"Display fields (USERSYNC_DISPLAY_FIELDS) written on "
            f"{plural(result.displayed, 'profile')}."
        )
    if result.bans_restored:
        lines.append(
            f"Banned again in Supabase Auth: {plural(result.bans_restored, 'deactivated user')} "
            f"whose ban was lifted outside usersync (audited)."
        )
    if result.resolved_trigger_failures:
        lines.append(
            f"Repaired {number(result.resolved_trigger_failures)} recorded trigger failures."
        )
    return lines


class ProgressBar:
    """A progress callback for sync(): a tqdm bar (on `file`, stderr by default) whose
    total is the number of users the sync will scan, with the run's running totals of
    profiles created and filled; and `on_batch` called with each batch as it commits
    (--verbose prints it). disabled: no bar (not a terminal, --json, -v 0)."""

    def __init__(
        self,
        total: int | None,
        disabled: bool,
        file: TextIO | None = None,
        on_batch: Callable[[BatchResult], None] | None = None,
    ):
        self.created = self.filled = 0
        self.on_batch = on_batch
        self.bar = None
        if not disabled:
            self.bar = tqdm(
                total=total,
                unit=" users",
                unit_scale=True,
                leave=False,
                # One update per batch (seconds apart): draw each one, and the totals.
                mininterval=0,
                file=file or sys.stderr,
                dynamic_ncols=True,
            )

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.close()

    def __call__(self, batch: BatchResult) -> None:
        self.created += batch.created
        self.filled += batch.filled
        if self.on_batch is not None:
            if self.bar is not None:
                self.bar.clear()  # the line goes above the bar, not through it
            self.on_batch(batch)
        if self.bar is not None:
            self.bar.set_postfix(
                created=number(self.created), filled=number(self.filled), refresh=False
            )
            self.bar.update(batch.scanned)
