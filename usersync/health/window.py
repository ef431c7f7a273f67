"""The public health URLs' answers, reused for a moment (USERSYNC_HEALTH_CACHE_SECONDS).

Kept in this process's memory, not in Django's cache (a cache server would be a round
trip of its own): within the window a request costs no database round trip, so a
flood of requests to a public URL costs the database one query per worker process
and window. `checked_at` in the answer tells when it was measured.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from usersync.conf import conf
from usersync.health.report import Report

_lock = threading.Lock()
_answers: dict[str, tuple[float, Report]] = {}


def recent(url: str, measure: Callable[[], Report]) -> Report:
    """The report measured for `url` within the window, else a new one."""
    seconds = conf.HEALTH_CACHE_SECONDS
    if seconds <= 0:
        return measure()
    now = time.monotonic()
    with _lock:
        kept = _answers.get(url)
    if kept is not None and now - kept[0] < seconds:
        return kept[1]
    report = measure()
    with _lock:
        _answers[url] = (now, report)
    return report


def forget() -> None:
    """Drop every kept answer (e.g. between tests)."""
    with _lock:
        _answers.clear()
