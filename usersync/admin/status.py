"""The sync status panel of the admin: usersync's app page shows it, and a project can
put it on the admin index with `{% load usersync_admin %}{% usersync_sync_status %}`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from usersync import sync
from usersync.errors import UsersyncError
from usersync.sync.trigger_state import REPAIR


@dataclass(frozen=True)
class StatusLine:
    label: str
    value: str
    url: str | None = None
    ok: bool = True


def admin_time(moment: datetime) -> str:
    """A moment as the admin shows its dates (the current time zone, the locale's
    format), with the zone named, since Django's date columns do not name it."""
    local = timezone.localtime(moment)
    return f"{date_format(local, 'DATETIME_FORMAT')} ({local.tzname()})"


def _url(site: admin.AdminSite, name: str, query: str = "") -> str:
    return reverse(f"{site.name}:{name}") + query


def status_lines(site: admin.AdminSite, status: sync.SyncStatus) -> list[StatusLine]:
    profiles = _url(site, "usersync_userprofile_changelist")
    missing = _url(site, "usersync_userwithoutprofile_changelist")
    failures = _url(site, "usersync_triggerfailure_changelist", "?resolved_at__isempty=1")
    trigger = status.trigger.summary
    if not status.trigger.working:
        trigger += f" — run: {REPAIR}"
    last = status.last_sync
    last_text = (
        f"{admin_time(last.started_at)}, {last.status}, {last.created} created "
        f"by {last.triggered_by}"
        if last
        else "never"
    )
    lines = [
        StatusLine(
            "Auth users",
            f"{status.total_auth_users:,} = {status.auth_users_breakdown}; "
            f"{status.anonymous_users:,} anonymous",
            profiles,
        ),
        StatusLine(
            "Profiles",
            f"{status.total_profiles:,} = {status.profiles_breakdown}",
            profiles,
            status.orphan_profiles == 0,
        ),
        StatusLine(
            "Missing profiles",
            f"{status.missing_profiles:,} = {status.missing_breakdown}",
            missing,
            status.in_sync,
        ),
        StatusLine("Sync percentage", status.sync_percentage_text, missing, status.in_sync),
        StatusLine(
            "Trigger", trigger, failures, status.trigger_installed and status.trigger_enabled
        ),
        StatusLine(
            "Last sync",
            last_text,
            _url(site, "usersync_syncrun_changelist"),
            last is None or last.status == "succeeded",
        ),
        StatusLine(
            "Trigger failures (unresolved)",
            f"{status.trigger_failures:,}",
            failures,
            status.trigger_failures == 0,
        ),
    ]
    lines.insert(
        3,
        StatusLine(
            "Deactivated / banned",
            f"{status.deactivated_profiles:,} deactivated in usersync; "
            f"{status.banned_users:,} banned in Supabase Auth",
            _url(site, "usersync_userprofile_changelist", "?is_active__exact=0"),
        ),
    )
    if status.ban_drift_sentence:
        lines.insert(
            4,
            StatusLine(
                "Ban lifted by hand",
                status.ban_drift_sentence,
                _url(site, "usersync_userprofile_changelist", "?is_active__exact=0"),
                False,
            ),
        )
    if status.running_sync is not None:
        lines.insert(
            0,
            StatusLine(
                "Sync in progress",
                status.running_sync.describe(status.total_auth_users),
                _url(site, "usersync_syncrun_changelist"),
                not status.running_sync.lease_expired,
            ),
        )
    if status.orphan_profiles:
        lines.append(StatusLine("Orphan profiles", f"{status.orphan_profiles:,}", profiles, False))
    return lines


def status_context(
    site: admin.AdminSite,
    read: Callable[[], sync.SyncStatus] = sync.status,
    stored: bool = False,
) -> dict:
    """The panel's context: its lines, or the one-line error that kept them from loading.
    `read` gives the status (counted now by default); `stored`: its counts are a stored
    copy, and a line says when they were counted."""
    try:
        status = read()
        lines = status_lines(site, status)
        if stored:
            lines.append(
                StatusLine(
                    "Counted at",
                    f"{timezone.localtime(status.measured_at):%Y-%m-%d %H:%M:%S %Z} (exact "
                    "while counting is cheap; at millions of users, a stored count kept "
                    "fresh in the background)",
                )
            )
        return {"sync_status": lines, "sync_error": None}
    except UsersyncError as error:
        return {"sync_status": [], "sync_error": str(error)}
