"""GET /metrics: the sync state in the Prometheus text format.

Measured by health.SyncCheck (time limit; the counts are those GET /health stores,
counted again in the background once older than USERSYNC_STATUS_CACHE_SECONDS). When
the database cannot be read the answer is still 200, with usersync_database_up 0 and
no other samples, the usual exporter convention: alert on it rather than on a failed
scrape.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Gauge, generate_latest

from usersync.conf import conf
from usersync.health.checks import SyncCheck
from usersync.health.report import run_check
from usersync.sync import SyncStatus

PREFIX = "usersync"


def _gauge(registry: CollectorRegistry, name: str, help_text: str, value: float) -> None:
    Gauge(f"{PREFIX}_{name}", help_text, registry=registry).set(value)


def _status_gauges(registry: CollectorRegistry, status: SyncStatus) -> None:
    gauges = [
        ("auth_users", "Users in auth.users (soft-deleted included).", status.total_auth_users),
        ("profiles", "Rows in user_profiles.", status.total_profiles),
        (
            "missing_profiles",
            "Users (not soft-deleted) without a profile.",
            status.missing_profiles,
        ),
        (
            "sync_percentage",
            "Share of users (not soft-deleted) that have a profile, 0 to 100.",
            status.sync_percentage,
        ),
        ("orphan_profiles", "Profiles whose auth user is gone.", status.orphan_profiles),
        ("soft_deleted_users", "Users with deleted_at set.", status.soft_deleted_users),
        ("anonymous_users", "Anonymous users.", status.anonymous_users),
        (
            "deactivated_profiles",
            "Profiles deactivated in usersync (is_active false).",
            status.deactivated_profiles,
        ),
        (
            "banned_users",
            "Users banned in Supabase Auth (banned_until ahead, set by usersync or not).",
            status.banned_users,
        ),
        (
            "ban_lifted_by_hand",
            "Deactivated profiles whose user is not banned in Supabase Auth (drift; "
            "sync_users bans them again).",
            status.ban_lifted_by_hand,
        ),
        (
            "trigger_installed",
            "1 if on_auth_user_created exists on auth.users.",
            status.trigger_installed,
        ),
        ("trigger_enabled", "1 if on_auth_user_created is enabled.", status.trigger_enabled),
        (
            "trigger_failures",
            "Profile creations that failed in the trigger, not yet repaired by a sync.",
            status.trigger_failures,
        ),
    ]
    for name, help_text, value in gauges:
        _gauge(registry, name, help_text, float(value))
    _gauge(
        registry,
        "status_measured_timestamp_seconds",
        "When the counts above were taken (Unix time); they are counted again in the "
        "background once older than USERSYNC_STATUS_CACHE_SECONDS.",
        status.measured_at.timestamp(),
    )
    last = status.last_sync
    if last is None:
        return
    _gauge(
        registry,
        "last_sync_timestamp_seconds",
        "Start of the last finished sync run (Unix time).",
        last.started_at.timestamp(),
    )
    _gauge(
        registry,
        "last_sync_duration_seconds",
        "Duration of the last finished sync run.",
        last.duration_seconds or 0.0,
    )
    _gauge(registry, "last_sync_created", "Profiles the last sync run created.", last.created)
    _gauge(
        registry,
        "last_sync_succeeded",
        "1 if the last finished sync run succeeded, 0 if it failed or was interrupted.",
        last.status == "succeeded",
    )


def render() -> bytes:
    registry = CollectorRegistry()
    check = SyncCheck(cache_seconds=conf.STATUS_CACHE_SECONDS)
    run_check(check)  # its sync_status stays None when the database could not be read
    up = check.sync_status is not None
    _gauge(registry, "database_up", "1 if usersync could read the database.", float(up))
    if up:
        _status_gauges(registry, check.sync_status)
    return generate_latest(registry)
