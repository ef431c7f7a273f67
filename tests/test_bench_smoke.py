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
    "longest sync write transaction at 1,000",
    "naive / sync at 1,000",
    "peak RSS at 1,000 minus at 300",
    "sync_status / raw counts at 1,000",
    "`usersync.sync.status()` in a process / raw counts at 1,000",
    "sync through PgBouncer / direct at 1,000",
    "single-row sign-up, trigger / none",
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
