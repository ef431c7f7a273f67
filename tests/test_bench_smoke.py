"""The benchmark scripts still work: their smoke mode as a real process, in a scratch
database of its own on the test database's server. (bench/ holds benchmarks, not
tests; the numbers are in docs/benchmarks.md.)"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.helpers import ROOT, database_url_for_tests

RATIO_ROWS = (
    "sync / anchor at 1,000",
    "sync with nothing to do / anchor finding nothing at 1,000",
    "longest sync write transaction at 1,000",
    "naive / sync at 1,000",
    "peak RSS at 1,000 minus at 300",
    "sync_status / raw counts at 1,000",
    "`usersync.sync.status()` in a process / raw counts at 1,000",
    "sync through PgBouncer / direct at 1,000",
    "single-row sign-up, trigger / none",
    "one sign-in, trigger on_auth_user_signed_in / none",
    "token issuance, access token hook / trivial hook",
    "token verification, one request, with the session check / without it",
)


@pytest.mark.slow
@pytest.mark.django_db
def test_bench_smoke__runs_every_benchmark_and_prints_the_ratio_table(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["DATABASE_URL"] = database_url_for_tests()
    result = subprocess.run(
        [
            sys.executable,
            "bench/run.py",
            "--smoke",
            "--json",
            str(tmp_path / "results.json"),
            "--plot",
            str(tmp_path / "scale.png"),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )

    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    assert "### Ratios and targets (medians, same run)" in out
    for row in RATIO_ROWS:
        assert f"| {row} |" in out, row
    assert "same result as the anchor: yes" in out
    assert "counts agree: yes" in out
    assert "| `/bench/trivial` | HTTP 200," in out
    assert "| `/bench/one-query` | HTTP 200," in out
    assert "| `/bench/health-measured` | HTTP 200," in out
    # The nightly sync with nothing to do ran incremental; the checkpoints were watched.
    assert "### The nightly sync with nothing to do" in out
    assert "| 1,000 |" in out.split("### The nightly sync with nothing to do")[1].split("###")[0]
    assert "| incremental | 0 |" in out
    assert "### The sync process: checkpoints during its batches" in out
    # Every staff admin page answered 200 and is in the ratio table.
    admin = out.split("### The staff admin: 1,000 auth users")[1].split("###")[0]
    for page in (
        "admin index",
        "profile list, page 500",
        "a deep page",
        "search by exact e-mail",
        "users without a profile",
        "per-user page",
        "staff health report",
    ):
        assert page in admin, page
    assert admin.count("| 200 |") == 9
    assert out.count("| staff admin at 1,000: ") == 9
    # Loaded to both sizes, the restores timed; the figure drawn, and again from the JSON.
    assert "| 300 | 300 |" in out and "| 1,000 | 700 |" in out
    assert "### Cost per auth user (µs, medians)" in out
    assert (tmp_path / "scale.png").read_bytes().startswith(b"\x89PNG")
    again = subprocess.run(
        [sys.executable, "bench/plot.py", str(tmp_path / "results.json"), str(tmp_path / "b.png")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "b.png").read_bytes().startswith(b"\x89PNG")
