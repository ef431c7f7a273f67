from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from usersync import sync
from usersync.management.base import UsersyncCommand
from usersync.management.render import plural, render_status
from usersync.sync.status import missing_profiles_warning


class Command(UsersyncCommand):
    help = (
        "How far auth.users and user_profiles are in step: the verdict first, then counts, "
        "triggers, last sync."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        self.add_verbose_argument(parser)
        self.add_json_argument(parser)
        parser.add_argument(
            "--fail-on-missing",
            action="store_true",
            help="exit 1 when any user lacks a profile (for cron and CI)",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help=(
                "exit 1 on any problem (missing profiles, a trigger missing or disabled, "
                "unacknowledged trigger or hook failures, a failed last sync), 0 when all "
                "is well"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # The same measurement as the staff health check and /metrics (SyncCheck), without
        # their time limit: an operator at a terminal may wait for a slow count.
        status = sync.status()
        if options["json"]:
            self.write_json(status.as_dict())
        else:
            for line in render_status(status, verbose=options["verbosity"] >= 2):
                self.stdout.write(line)
        problems = status.problems()
        if options["check"] and problems:
            raise CommandError(
                f"{plural(len(problems), 'problem')}: {'; '.join(problems)}", returncode=1
            )
        if options["fail_on_missing"] and status.missing_profiles:
            raise CommandError(
                f"{missing_profiles_warning(status.missing_profiles)}; run sync_users",
                returncode=1,
            )
