#!/usr/bin/env python
"""Seconds per size on log-log axes: `manage.py sync_users`, the anchor statement, the
same two with nothing to do (the nightly sync) and `usersync.sync.status()` in a
process, medians with min-max error bars, from the results of one run (bench/run.py
--plot PATH, or again from its --json file):

    python bench/plot.py results.json docs/benchmarks-scale.png
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

SERIES = (
    # (label, section of the results, key of its samples)
    ("manage.py sync_users", "backfill", "sync_seconds"),
    ("anchor: one INSERT … SELECT", "backfill", "anchor_seconds"),
    ("sync_users with nothing to do", "backfill", "noop_sync_seconds"),
    ("anchor finding nothing to do", "backfill", "noop_anchor_seconds"),
    ("usersync.sync.status() in a process", "status", "in_process_seconds"),
)


def _users(count: int) -> str:
    for unit, name in ((1_000_000, "M"), (1_000, "k")):
        if count >= unit:
            return f"{count / unit:g}{name}"
    return str(count)


def plot(results: dict, path: Path) -> None:
    """Draw the figure from a results dictionary (Results.as_dict(), or its JSON)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(figsize=(7, 4.5), dpi=120)
    for label, section, key in SERIES:
        rows = [row for row in results.get(section) or [] if row.get(key)]
        if not rows:
            continue
        users = [row["users"] for row in rows]
        median = [row[key]["median"] for row in rows]
        low = [m - min(row[key]["samples"]) for m, row in zip(median, rows, strict=True)]
        high = [max(row[key]["samples"]) - m for m, row in zip(median, rows, strict=True)]
        axes.errorbar(users, median, yerr=[low, high], marker="o", capsize=4, label=label)
    axes.set_xscale("log")
    axes.set_yscale("log")
    sizes = sorted(
        {row["users"] for part in ("backfill", "status") for row in results.get(part) or []}
    )
    axes.set_xticks(sizes, [_users(size) for size in sizes])
    axes.minorticks_off()
    axes.set_xlabel("auth users")
    axes.set_ylabel("seconds (median, bars: min-max)")
    machine = results.get("machine") or {}
    axes.set_title(
        f"usersync at scale: {machine.get('nproc', '?')} cores, {machine.get('postgres', '')}",
        fontsize=10,
    )
    axes.grid(True, linewidth=0.3)
    axes.legend(fontsize=8)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    pyplot.close(figure)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    results = json.loads(Path(argv[0]).read_text())
    plot(results, Path(argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
