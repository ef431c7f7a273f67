"""prune_logs: old activity and chat-error entries go, in batches; the audit log stays
unless --include-audit, and pruning it is itself audited."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from usersync.errors import BadInput
from usersync.logs import retention
from usersync.models import AdminAuditLog, ChatErrorLog, UserActivityLog


def age(model, days: int, count: int = 1) -> None:
    """`count` entries of `model` created `days` ago (created_at is set by the database)."""
    for _ in range(count):
        if model is UserActivityLog:
            entry = model.objects.create(activity_type="sign_in")
        elif model is ChatErrorLog:
            entry = model.objects.create(error_type="t", message="m")
        else:
            entry = model.objects.create(actor="a", action="role_changed")
        model.objects.filter(pk=entry.pk).update(created_at=timezone.now() - timedelta(days=days))


@pytest.fixture
def logs(db):
    age(UserActivityLog, 120, count=5)
    age(UserActivityLog, 10)
    age(ChatErrorLog, 100, count=2)
    age(ChatErrorLog, 1)
    age(AdminAuditLog, 400)
    age(AdminAuditLog, 5)


def prune_logs(*args: str) -> str:
    out = StringIO()
    call_command("prune_logs", *args, stdout=out)
    return out.getvalue()


def test_prune__deletes_old_activity_and_chat_errors_in_batches_and_keeps_the_audit_log(logs):
    result = retention.prune(timedelta(days=90), batch_size=2)
    assert result.counts == {"user_activity_log": 5, "chat_error_log": 2}
    assert (UserActivityLog.objects.count(), ChatErrorLog.objects.count()) == (1, 1)
    assert AdminAuditLog.objects.count() == 2


def test_prune__dry_run_counts_and_deletes_nothing(logs):
    result = retention.prune(timedelta(days=90), dry_run=True, include_audit=True)
    assert result.as_dict()["would_delete"] == {
        "user_activity_log": 5,
        "chat_error_log": 2,
        "admin_audit_log": 1,
    }
    assert (UserActivityLog.objects.count(), AdminAuditLog.objects.count()) == (6, 2)


def test_prune__with_the_audit_log_leaves_an_entry_saying_so(logs):
    retention.prune(timedelta(days=90), include_audit=True)
    actions = sorted(AdminAuditLog.objects.values_list("action", flat=True))
    assert actions == ["audit_log_pruned", "role_changed"]
    entry = AdminAuditLog.objects.get(action="audit_log_pruned")
    assert entry.details["deleted"] == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [("90d", timedelta(days=90)), ("12h", timedelta(hours=12)), ("4W", timedelta(weeks=4))],
)
def test_parse_age__reads_minutes_hours_days_and_weeks(text, expected):
    assert retention.parse_age(text) == expected


@pytest.mark.parametrize("text", ["90", "d", "-1d", "0m", "1y", "ninety days"])
def test_parse_age__refuses_anything_else(text):
    with pytest.raises(BadInput):
        retention.parse_age(text)


def test_prune_logs_command__json_reports_what_it_deleted(logs):
    data = json.loads(prune_logs("--older-than", "90d", "--json"))
    assert data["dry_run"] is False
    assert data["deleted"] == {"user_activity_log": 5, "chat_error_log": 2}
    assert (data["total"], data["audit_log_included"]) == (7, False)


def test_prune_logs_command__text_names_the_cutoff_and_the_kept_audit_log(logs):
    lines = prune_logs("--older-than", "90d", "--dry-run").splitlines()
    assert lines[0].startswith("Would delete entries created before ")
    assert lines[0].endswith(": 5 from user_activity_log, 2 from chat_error_log.")
    assert lines[1] == "admin_audit_log kept (--include-audit prunes it too)."
    assert UserActivityLog.objects.count() == 6


def test_prune_logs_command__include_audit_prunes_the_audit_log(logs):
    data = json.loads(prune_logs("--older-than", "90d", "--include-audit", "--json"))
    assert data["deleted"]["admin_audit_log"] == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "the following arguments are required: --older-than"),
        (["--older-than", "soon"], "expected an age like 90d"),
        (["--older-than", "90d", "--batch-size", "0"], "at least 1"),
        # Past what a date can hold: once an OverflowError traceback (exit 1).
        (["--older-than", "99999999999d"], "reaches back before the year 1"),
        (["--older-than", "999999999d"], "reaches back before the year 1"),
        (["--older-than", "9" * 400 + "m"], "reaches back before the year 1"),
    ],
)
def test_prune_logs_command__bad_arguments_exit_2_with_one_line(db, args, message):
    with pytest.raises(CommandError) as raised:
        prune_logs(*args)
    assert raised.value.returncode == 2
    assert message in str(raised.value)
