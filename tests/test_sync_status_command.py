"""sync_status measures through health.SyncCheck; its output and JSON keys are unchanged."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

STATUS_KEYS = [
    "total_auth_users",
    "total_profiles",
    "missing_profiles",
    "sync_percentage",
    "eligible_users",
    "orphan_profiles",
    "soft_deleted_users",
    "anonymous_users",
    "trigger_installed",
    "trigger_enabled",
    "trigger_failures",
    "last_sync",
    "profiles_of_eligible_users",
    "profiles_of_soft_deleted_users",
    "banned_users",
    "deactivated_profiles",
    "ban_lifted_by_hand",
    "measured_at",
    "running_sync",
]


def run(*args: str) -> str:
    out = StringIO()
    call_command("sync_status", *args, stdout=out)
    return out.getvalue()


def test_sync_status__json_keeps_the_spec_metric_names(auth_user_factory):
    auth_user_factory()
    auth_user_factory(with_profile=False)
    data = json.loads(run("--json"))
    assert list(data) == STATUS_KEYS
    assert (data["missing_profiles"], data["sync_percentage"]) == (1, 50.0)


def test_sync_status__text_shows_counts_and_the_trigger(auth_user_factory):
    auth_user_factory()
    lines = run().splitlines()
    assert lines[:4] == [
        "Total auth users:    1 = 1 eligible + 0 soft-deleted (who need no profile)",
        "Total user profiles: 1 = 1 of eligible users + 0 of soft-deleted users",
        "Missing profiles:    0 = 1 eligible - 1 with a profile",
        "Sync percentage:     100.00% (truncated: 100.00% only when none is missing)",
    ]
    assert "✅ trigger on_auth_user_created is installed and enabled" in lines


def test_sync_status__fail_on_missing_uses_the_health_warning_and_exits_1(auth_user_factory):
    auth_user_factory(with_profile=False)
    with pytest.raises(CommandError) as raised:
        run("--fail-on-missing")
    assert raised.value.returncode == 1
    assert str(raised.value) == "1 users need profile synchronization; run sync_users"
