"""Text for people: what the commands print when --json is not given."""

from __future__ import annotations

from tqdm import tqdm

from usersync.sync import BatchResult, SyncPlan, SyncResult, SyncStatus

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


def render_status(status: SyncStatus, verbose: bool = False) -> list[str]:
    lines = [
        f"Total auth users:    {number(status.total_auth_users)} = {status.auth_users_breakdown}",
        f"Total user profiles: {number(status.total_profiles)} = {status.profiles_breakdown}",
        f"Missing profiles:    {number(status.missing_profiles)} = {status.missing_breakdown}",
        f"Sync percentage:     {status.sync_percentage_text} "
        f"(truncated: 100.00% only when none is missing)",
        render_status_line(status),
    ]
    if not status.trigger_installed:
        lines.append(f"{FAIL} trigger on_auth_user_created is missing: new sign-ups get no profile")
    elif not status.trigger_enabled:
        lines.append(
            f"{FAIL} trigger on_auth_user_created is disabled: new sign-ups get no profile"
        )
    else:
        lines.append(f"{OK} trigger on_auth_user_created is installed and enabled")
    if status.trigger_failures:
        lines.append(
            f"{WARN} {number(status.trigger_failures)} profile creations failed in the trigger; "
            f"run sync_users to repair them"
        )
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
    if plan.sample:
        lines.append("Users without a profile:")
        for p in plan.sample:
            contact = p.email or p.phone or "(no email)"
            lines.append(f"  {p.user_id}  {p.provider:<10} {contact}")
        if plan.would_create > len(plan.sample):
            lines.append(f"  ... and {number(plan.would_create - len(plan.sample))} more")
    return lines


def render_batch(batch: BatchResult) -> str:
    return (
        f"batch {batch.number}: scanned {number(batch.scanned)}, created {number(batch.created)}, "
        f"filled {number(batch.filled)}"
        + (f", reset {number(batch.reset)}" if batch.reset else "")
        + f" (up to {batch.last_id})"
    )


def render_sync_result(result: SyncResult, verbose: bool = False) -> list[str]:
    lines = [render_batch(b) for b in result.batches] if verbose else []
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
    if result.resolved_trigger_failures:
        lines.append(
            f"Repaired {number(result.resolved_trigger_failures)} recorded trigger failures."
        )
    return lines


class ProgressBar:
    """A progress callback for sync(): a tqdm bar on a terminal, nothing otherwise."""

    def __init__(self, total: int | None, disabled: bool):
        self.bar = None
        if not disabled:
            self.bar = tqdm(total=total, unit=" users", unit_scale=True, leave=False)

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.close()

    def __call__(self, batch: BatchResult) -> None:
        if self.bar is not None:
            self.bar.update(batch.scanned)
            self.bar.set_postfix(created=batch.created, refresh=False)
