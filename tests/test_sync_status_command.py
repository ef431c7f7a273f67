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
    "signin_trigger_installed",
    "signin_trigger_enabled",
    "problems",
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
    assert lines[0] == (
        "✅ All is well: 1 of 1 users have a profile; both triggers are installed and enabled"
    )
    assert lines[1:5] == [
        "Total auth users:    1 = 1 eligible + 0 soft-deleted (who need no profile)",
        "Total user profiles: 1 = 1 of eligible users + 0 of soft-deleted users",
        "Missing profiles:    0 = 1 eligible - 1 with a profile",
        "Sync percentage:     100.00% (truncated: 100.00% only when none is missing)",
    ]
    assert "✅ trigger on_auth_user_created is installed and enabled" in lines
    assert "✅ trigger on_auth_user_signed_in is installed and enabled" in lines


def test_sync_status__fail_on_missing_uses_the_health_warning_and_exits_1(auth_user_factory):
    auth_user_factory(with_profile=False)
    with pytest.raises(CommandError) as raised:
        run("--fail-on-missing")
    assert raised.value.returncode == 1
    assert str(raised.value) == "1 users need profile synchronization; run sync_users"


# --check: exit 1 on any problem, 0 when all is well, 2 for bad usage.


def checked() -> tuple[int, str]:
    """sync_status --check's exit code and its one-line message (or first line)."""
    try:
        return 0, run("--check").splitlines()[0]
    except CommandError as error:
        return error.returncode, str(error)


def sql(statement: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement)


def test_sync_status__verdict_is_the_first_line_and_names_the_problem(auth_user_factory):
    auth_user_factory(with_profile=False)
    first = run().splitlines()[0]
    assert first == "❌ 1 problem: 1 users need profile synchronization; run sync_users"


def test_sync_status_check__exits_0_when_all_is_well(auth_user_factory):
    auth_user_factory()
    assert checked() == (
        0,
        "✅ All is well: 1 of 1 users have a profile; both triggers are installed and enabled",
    )


def test_sync_status_check__exits_1_with_the_signup_trigger_disabled_though_none_is_missing(
    auth_user_factory,
):
    auth_user_factory()
    sql("ALTER TABLE auth.users DISABLE TRIGGER on_auth_user_created")
    run("--fail-on-missing")  # exits 0: nothing is missing yet
    code, message = checked()
    assert code == 1
    assert message.startswith("1 problem: the profile trigger on_auth_user_created is disabled")
    assert json.loads(run("--json"))["problems"] == [message.removeprefix("1 problem: ")]


@pytest.mark.parametrize("change", ["DISABLE TRIGGER", "DROP TRIGGER"])
def test_sync_status_check__exits_1_without_a_working_signin_trigger(auth_user_factory, change):
    auth_user_factory()
    if change == "DROP TRIGGER":
        sql("DROP TRIGGER on_auth_user_signed_in ON auth.users")
        state = "missing"
    else:
        sql("ALTER TABLE auth.users DISABLE TRIGGER on_auth_user_signed_in")
        state = "disabled"
    code, message = checked()
    assert code == 1
    assert message.startswith(f"1 problem: the sign-in trigger on_auth_user_signed_in is {state}")
    data = json.loads(run("--json"))
    assert (data["signin_trigger_installed"], data["signin_trigger_enabled"]) == (
        change != "DROP TRIGGER",
        False,
    )


def test_sync_status_check__exits_1_on_unacknowledged_failures_and_0_once_acknowledged(
    auth_user_factory,
):
    from django.utils import timezone

    from usersync.models import TriggerFailure

    user = auth_user_factory()
    failure = TriggerFailure.objects.create(
        user_id=user.pk, source="access_token_hook", sqlstate="57014", message="timeout"
    )
    assert checked() == (
        1,
        "1 problem: 1 profile creations failed in the trigger; run sync_users to repair them",
    )
    failure.resolved_at = timezone.now()
    failure.save()
    assert checked()[0] == 0


def test_sync_status_check__exits_1_after_a_failed_sync(auth_user_factory):
    from usersync.models import SyncRun

    auth_user_factory()
    run_ = SyncRun.objects.create(
        status="failed", batch_size=10, triggered_by="cron", error="connection lost"
    )
    assert checked() == (1, f"1 problem: the last sync (run {run_.pk}) failed: connection lost")


def test_sync_status_check__counts_every_problem_on_one_line(auth_user_factory):
    auth_user_factory(with_profile=False)
    sql("ALTER TABLE auth.users DISABLE TRIGGER on_auth_user_signed_in")
    code, message = checked()
    assert code == 1
    assert message.startswith("2 problems: 1 users need profile synchronization; run sync_users; ")
    assert "on_auth_user_signed_in is disabled" in message
    lines = run().splitlines()
    assert lines[0].startswith("❌ 2 problems: 1 users need profile synchronization")
    assert lines[1].startswith("   ❌ the sign-in trigger on_auth_user_signed_in is disabled")


def test_sync_status_check__bad_usage_exits_2():
    with pytest.raises(CommandError) as raised:
        run("--check=yes")
    assert raised.value.returncode == 2


def test_usersync_command__failed_system_check_is_one_line_exit_2_and_json_stays_clean(
    settings, db
):
    settings.USERSYNC_DEFAULT_ROLE = "admin"
    out = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("sync_status", "--json", skip_checks=False, stdout=out)
    message = str(raised.value)
    assert raised.value.returncode == 2
    assert "\n" not in message
    assert message.startswith("the system checks failed: (usersync.E005) ")
    assert json.loads(out.getvalue()) == {"error": {"message": message, "exit_code": 2}}
