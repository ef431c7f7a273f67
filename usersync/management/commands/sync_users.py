from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import CommandError, CommandParser

from usersync import sync
from usersync.conf import conf
from usersync.management.arguments import batch_size
from usersync.management.base import UsersyncCommand
from usersync.management.render import (
    ProgressBar,
    render_plan,
    render_status_line,
    render_sync_result,
)
from usersync.sync.profiles import preservation_report


class Command(UsersyncCommand):
    help = (
        "Create the missing profile of every auth user, in short batches. "
        "Existing profile data is preserved unless --no-preserve."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="show what would be done; write nothing"
        )
        self.add_verbose_argument(parser)
        self.add_json_argument(parser)
        parser.add_argument(
            "--no-preserve",
            action="store_true",
            help="reset existing profiles to the defaults (asks first; old values are audited)",
        )
        parser.add_argument(
            "--yes", action="store_true", help="confirm --no-preserve without asking"
        )
        parser.add_argument(
            "--batch-size",
            type=batch_size,
            default=None,
            metavar="N",
            help=f"auth users per batch transaction (default: {conf.SYNC_BATCH_SIZE:,})",
        )
        parser.add_argument(
            "--wait", action="store_true", help="if another sync is running, wait for it"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["yes"] and not options["no_preserve"]:
            raise CommandError("--yes only confirms --no-preserve", returncode=2)
        if options["dry_run"]:
            return self._dry_run(options)
        if options["no_preserve"] and not options["yes"]:
            self._confirm_reset()
        with self._progress(options) as bar:
            result = sync.sync(
                preserve=not options["no_preserve"],
                batch_size=options["batch_size"],
                progress=bar,
                triggered_by="command:sync_users",
                wait=options["wait"],
                on_wait=lambda holder: self.stderr.write(
                    f"waiting for {holder.describe()} to finish..."
                ),
            )
        after = sync.status()
        if options["json"]:
            self.write_json(result.as_dict() | {"status": after.as_dict()})
            return
        for line in render_sync_result(result, verbose=options["verbosity"] >= 2):
            self.stdout.write(line)
        self.stdout.write(render_status_line(after))

    def _dry_run(self, options: dict) -> None:
        planned = sync.plan()
        would_reset = None
        if options["no_preserve"]:
            would_reset = preservation_report(limit=1).profiles_with_data
        if options["json"]:
            data = planned.as_dict()
            if would_reset is not None:
                data["would_reset"] = would_reset
            self.write_json(data)
            return
        for line in render_plan(planned, would_reset):
            self.stdout.write(line)

    def _confirm_reset(self) -> None:
        at_risk = preservation_report(limit=1).profiles_with_data
        question = (
            f"--no-preserve resets {at_risk} profiles that hold non-default data (role, "
            f"active state, deactivation, SSO fields) to the defaults; their old values "
            f"are kept in admin_audit_log."
        )
        if not sys.stdin.isatty():
            raise CommandError(
                f"{question} Confirm with --yes (there is no terminal to ask on).", returncode=2
            )
        self.stderr.write(question)
        answer = input("Type 'reset' to continue: ")
        if answer.strip() != "reset":
            raise CommandError("not confirmed; nothing was changed", returncode=1)

    def _progress(self, options: dict) -> ProgressBar:
        quiet = options["json"] or not sys.stderr.isatty() or options["verbosity"] == 0
        return ProgressBar(total=None if quiet else sync.estimated_auth_users(), disabled=quiet)
