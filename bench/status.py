"""Status: `manage.py sync_status --json` (a real process) and usersync.sync.status()
in this process, against the raw counting queries run directly."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import psycopg

from bench.measure import Samples, timed
from bench.scratch import Scratch, bench_sql


@dataclass
class StatusResult:
    users: int
    command: Samples = field(default_factory=Samples)
    in_process: Samples = field(default_factory=Samples)
    raw: Samples = field(default_factory=Samples)
    agree: bool = True

    def as_dict(self) -> dict:
        return {
            "users": self.users,
            "command_seconds": self.command.as_dict(),
            "in_process_seconds": self.in_process.as_dict(),
            "raw_seconds": self.raw.as_dict(),
            "agree": self.agree,
        }


def run(scratch: Scratch, conn: psycopg.Connection, repeats: int) -> StatusResult:
    from usersync import sync

    result = StatusResult(users=0)
    for _ in range(repeats):
        command = scratch.manage("sync_status", "--json")
        result.command.add(command.seconds)
        seconds, _status = timed(sync.status)
        result.in_process.add(seconds)
        seconds, raw = timed(lambda: conn.execute(bench_sql("raw_status_counts")).fetchone())
        result.raw.add(seconds)
        reported = json.loads(command.stdout)
        result.users = raw[0]
        result.agree &= (
            reported["total_auth_users"],
            reported["total_profiles"],
            reported["missing_profiles"],
        ) == tuple(raw)
    return result
