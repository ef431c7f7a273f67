#!/usr/bin/env python
"""Benchmarks of usersync against the fastest possible and the naive way.

    python bench/run.py --smoke          # 1,000 users, one repeat: proves it works
    python bench/run.py                  # 100k and 1M users, three repeats

On the server that DATABASE_URL names, or the embedded default when it is unset, in a
scratch database of its own. See docs/benchmarks.md.
"""

from __future__ import annotations

import sys
from pathlib import Path


def main() -> int:
    # Run as a script: the project root (with bench/, usersync/, project/) is importable.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.cli import main as run

    return run(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
