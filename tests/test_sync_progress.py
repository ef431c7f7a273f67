"""Long work seen live: the progress bar's total and running totals, --verbose batch
lines printed as each batch commits, the dry run's verbose detail, and sync_status
while a sync holds the lease."""

from __future__ import annotations

import json
import os
import socket
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from tests.helpers import ONE_PER_PAGE_PAD, one_user_per_page
from usersync import sync
from usersync.management.render import INFO, ProgressBar
from usersync.models import SyncRun
from usersync.sync import lease
from usersync.sync.backfill import BatchResult, _run_batch
from usersync.sync.walk import Rows, walk_state

pytestmark = pytest.mark.django_db


class FakeTerminal(StringIO):
    def isatty(self) -> bool:
        return True


class RunStateRecorder(StringIO):
    """A command's stdout that notes, at each write, the state of the latest sync run."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[tuple[str, str]] = []

    def write(self, text: str) -> int:
        if text.strip():
            self.writes.append((text.strip(), SyncRun.objects.latest("id").status))
        return super().write(text)


def batch(number: int, scanned: int, created: int, filled: int) -> BatchResult:
    return BatchResult(number, scanned, created, filled, 0, Rows.in_pages(0, 1, 1))


def test_progress_bar__has_its_total_and_running_totals_of_created_and_filled():
    terminal = FakeTerminal()
    with ProgressBar(total=5000, disabled=False, file=terminal) as bar:
        bar(batch(1, 2000, 2000, 0))
        bar(batch(2, 2000, 1000, 1))
        assert (bar.bar.n, bar.bar.total) == (4000, 5000)
        assert (bar.created, bar.filled) == (3000, 1)
    drawn = terminal.getvalue()
    assert "created=2,000, filled=0" in drawn
    assert "created=3,000, filled=1" in drawn  # the run's totals, not the last batch's
    assert "4.00k/5.00k " in drawn and "80%" in drawn


def test_progress_bar__disabled_draws_nothing_and_still_passes_each_batch_on():
    seen = []
    terminal = FakeTerminal()
    with ProgressBar(total=5, disabled=True, file=terminal, on_batch=seen.append) as bar:
        bar(batch(1, 2, 2, 0))
    assert (bar.bar, terminal.getvalue(), [b.number for b in seen]) == (None, "", [1])


def test_sync_users__bar_total_is_the_exact_number_of_users_to_scan(auth_user_factory, monkeypatch):
    auth_user_factory.create_batch(3, with_profile=False)
    auth_user_factory()
    terminal = FakeTerminal()
    monkeypatch.setattr("sys.stderr", terminal)
    call_command("sync_users", "--batch-size", "2", stdout=StringIO(), stderr=StringIO())
    drawn = terminal.getvalue()
    assert sync.users_to_scan() == 4
    assert "0.00/4.00 " in drawn  # the total from the first draw on
    assert "created=3, filled=0" in drawn


def test_sync_users__quiet_with_json_even_on_a_terminal(auth_user_factory, monkeypatch):
    auth_user_factory(with_profile=False)
    terminal = FakeTerminal()
    monkeypatch.setattr("sys.stderr", terminal)
    out = StringIO()
    call_command("sync_users", "--json", stdout=out, stderr=StringIO())
    assert terminal.getvalue() == ""
    assert json.loads(out.getvalue())["created"] == 1


def test_sync_users__verbose_prints_each_batch_as_it_commits(auth_user_factory):
    one_user_per_page()
    auth_user_factory.create_batch(3, with_profile=False, user_meta=ONE_PER_PAGE_PAD)
    out = RunStateRecorder()
    call_command("sync_users", "--verbose", "--batch-size", "1", stdout=out)
    batches = [(text, state) for text, state in out.writes if text.startswith("batch ")]
    summary, final_state = next(w for w in out.writes if w[0].startswith("✅ Synchronised"))
    assert [text.split(":")[0] for text, _ in batches] == [
        f"batch {n}" for n in range(1, len(batches) + 1)
    ]
    # Printed while the run was still running, not after it ended.
    assert {state for _, state in batches} == {"running"}
    # One user a page, one page a batch (batches of pages with no live row scan 0).
    assert [
        text.split(": ")[1].split(" (")[0] for text, _ in batches if "scanned 0" not in text
    ] == ["scanned 1, created 1, filled 0"] * 3
    assert summary.startswith(f"✅ Synchronised 3 auth users in {len(batches)} batches")
    assert final_state == "succeeded"


def dry_run(*args: str) -> str:
    out = StringIO()
    call_command("sync_users", "--dry-run", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def three_missing(auth_user_factory):
    users = [
        auth_user_factory(with_profile=False, provider="email"),
        auth_user_factory(with_profile=False, provider="email"),
        auth_user_factory(with_profile=False, provider="google"),
    ]
    return sorted(users, key=lambda user: user.pk)


def test_dry_run_verbose__counts_per_provider_and_lists_more(three_missing, settings):
    plain = dry_run().splitlines()
    verbose = dry_run("--verbose").splitlines()
    assert "Profiles to create, by sign-up provider:" not in plain
    start = verbose.index("Profiles to create, by sign-up provider:")
    assert verbose[start + 1 : start + 3] == ["  email   2", "  google  1"]
    assert set(plain) < set(verbose)
    listed = [line.split()[0] for line in verbose if line.startswith("  ") and "-" in line]
    assert listed == [str(user.pk) for user in three_missing]


def test_dry_run_limit__pages_the_list_and_says_how_many_more(three_missing):
    google = next(u for u in three_missing if "google" in str(u.raw_app_meta_data))
    one = dry_run("--verbose", "--limit", "1").splitlines()
    first = three_missing[0]
    provider = "google" if first.pk == google.pk else "email"
    assert f"  {first.pk}  {provider:<10} {first.email}" in one
    assert one[-1] == "  ... and 2 more (--limit N or --limit all to list them)"
    everyone = [p.user_id for p in sync.planned_profiles(limit=None, page_size=2)]
    assert everyone == [user.pk for user in three_missing]
    data = json.loads(dry_run("--verbose", "--json", "--limit", "all"))
    assert data["by_provider"] == {"email": 2, "google": 1}
    assert [p["user_id"] for p in data["sample"]] == [str(u.pk) for u in three_missing]
    assert data["sample_truncated"] is False


def test_sync_users__limit_without_dry_run_is_refused():
    with pytest.raises(CommandError, match="--limit only applies to --dry-run"):
        call_command("sync_users", "--limit", "5", stdout=StringIO())


def test_sync_status__shows_the_sync_in_progress(three_missing):
    run = lease.start_run(preserve=True, batch_size=2, triggered_by="test:operator")
    with connection.cursor() as cursor:
        cursor.execute("SELECT ctid::text AS place FROM auth.users ORDER BY ctid LIMIT 2")
        first_two = [ctid for (ctid,) in cursor.fetchall()]
    _run_batch(1, run.id, Rows.at(first_two, walk_state().pages), True, "test:operator")
    text = StringIO()
    call_command("sync_status", stdout=text)
    started = run.started_at.strftime("%Y-%m-%d %H:%M:%S %Z")
    assert (
        f"{INFO} Sync in progress: run {run.id} by test:operator on {socket.gethostname()} "
        f"pid {os.getpid()}, since {started}: 1 batch committed, about 2 of 3 users "
        f"scanned (66%), created 2, filled 0"
    ) in text.getvalue().splitlines()
    out = StringIO()
    call_command("sync_status", "--json", stdout=out)
    running = json.loads(out.getvalue())["running_sync"]
    assert {k: running[k] for k in ("run_id", "triggered_by", "batches", "created")} == {
        "run_id": run.id,
        "triggered_by": "test:operator",
        "batches": 1,
        "created": 2,
    }
    assert running["started_at"] == run.started_at.isoformat()
    assert running["lease_expired"] is False


def test_sync_status__no_sync_in_progress_says_nothing_of_one(three_missing):
    out = StringIO()
    call_command("sync_status", "--json", stdout=out)
    assert json.loads(out.getvalue())["running_sync"] is None


def test_admin_status_panel__shows_the_sync_in_progress(admin_client, three_missing):
    run = lease.start_run(preserve=True, batch_size=2, triggered_by="test:operator")
    response = admin_client.get(reverse("admin:app_list", args=["usersync"]))
    line = response.context["sync_status"][0]
    assert (line.label, line.ok) == ("Sync in progress", True)
    assert line.value.startswith(f"run {run.id} by test:operator on {socket.gethostname()}")
    assert "0 batches committed, about 0 of 3 users scanned (0%)" in line.value
