"""What scripts/test.sh says about its runs."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

LEGS = Path(__file__).resolve().parent.parent / "scripts" / "legs.sh"


@pytest.mark.parametrize(
    "leg, database_url, label",
    [
        ("server", "postgres://u@127.0.0.1:5432/x", "server"),
        ("server", "", "embedded"),
        ("embedded", "postgres://u@127.0.0.1:5432/x", "embedded"),
    ],
)
def test_matrix_summary__labels_a_leg_by_the_database_it_ran_on(leg, database_url, label):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    if database_url:
        env["DATABASE_URL"] = database_url
    result = subprocess.run(
        ["bash", "-c", f'source "{LEGS}"; leg_database {leg}'],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert result.stdout.strip() == label
