from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from typing import Any

from django.core.management.base import CommandError, CommandParser

from usersync import sync
from usersync.conf import conf
from usersync.management.arguments import batch_size, limit_or_all
from usersync.management.base import UsersyncCommand
from usersync.management.render import (
    ProgressBar,
    render_batch,
    render_more,
    render_plan,
    render_planned,
    render_status_line,
    render_sync_result,
)
from usersync.sync.backfill import PLAN_SAMPLE_LIMIT
from usersync.sync.profiles import preservation_report

VERBOSE_PLAN_LIMIT = 1000


class Command(UsersyncCommand):
    help = (
        "Create the missing profile of every auth user, in short batches. "
        "Existing profile data is preserved unless --no-preserve."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="show what would be done; write nothing (with --verbose: the count per "
            "sign-up provider and a longer list of the users concerned)",
        )
        parser.add_argument(
            "--limit",
            type=limit_or_all,
            default=argparse.SUPPRESS,  # absent unless given: the default depends on -v
            metavar="N|all",
            help=f"with --dry-run: list this many users without a profile, or all of them "
            f"(default: {PLAN_SAMPLE_LIMIT:,}; with --verbose {VERBOSE_PLAN_LIMIT:,})",
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
            "--full",
            action="store_true",
            help="check every auth user for fields to fill, not only those written since "
            "the last completed sync (which a sync does by itself once the last full check "
            "is older than USERSYNC_FULL_SYNC_AFTER_SECONDS)",
        )
        parser.add_argument(
            "--wait", action="store_true", help="if another sync is running, wait for it"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["yes"] and not options["no_preserve"]:
            raise CommandError("--yes only confirms --no-preserve", returncode=2)
        if "limit" in options and not options["dry_run"]:
            raise CommandError("--limit only applies to --dry-run", returncode=2)
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
                full=options["full"],
                on_wait=lambda holder: self.stderr.write(
                    f"waiting for {holder.describe()} to finish..."
                ),
            )
        after = sync.status()
        if options["json"]:
            self.write_json(result.as_dict() | {"status": after.as_dict()})
            return
        for line in render_sync_result(result):
            self.stdout.write(line)
        self.stdout.write(render_status_line(after))

    def _dry_run(self, options: dict) -> None:
        verbose = options["verbosity"] >= 2
        default_limit = VERBOSE_PLAN_LIMIT if verbose else PLAN_SAMPLE_LIMIT
        limit = options.get("limit", default_limit)
        # The first page in the plan's own snapshot; a longer list is read page by page.
        first = PLAN_SAMPLE_LIMIT if limit is None else min(limit, PLAN_SAMPLE_LIMIT)
        planned = sync.plan(sample_limit=first, detailed=verbose)
        would_reset = None
        if options["no_preserve"]:
            would_reset = preservation_report(limit=1).profiles_with_data
        if options["json"]:
            data = planned.as_dict()
            if limit is None or limit > first:
                sample = [p.as_dict() for p in sync.planned_profiles(limit)]
                data.update(sample=sample, sample_truncated=planned.would_create > len(sample))
            if would_reset is not None:
                data["would_reset"] = would_reset
            self.write_json(data)
            return
        if limit is not None and limit <= first:
            for line in render_plan(planned, would_reset):
                self.stdout.write(line)
            return
        for line in render_plan(replace(planned, sample=[]), would_reset):
            self.stdout.write(line)
        listed = 0
        for profile in sync.planned_profiles(limit):
            if listed == 0:
                self.stdout.write("Users without a profile:")
            self.stdout.write(render_planned(profile))
            listed += 1
        for line in render_more(planned.would_create, listed):
            self.stdout.write(line)

    def _confirm_reset(self) -> None:
        at_risk = preservation_report(limit=1).profiles_with_data
        question = (
            f"--no-preserve resets {at_risk} profiles that hold values other than a new "
            f"profile's (preservation_report lists them) to the defaults; their old values "
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
        on_batch = None
        if options["verbosity"] >= 2 and not options["json"]:
            on_batch = self._print_batch
        return ProgressBar(
            total=None if quiet else sync.users_to_scan(),
            disabled=quiet,
            on_batch=on_batch,
        )

    def _print_batch(self, batch: sync.BatchResult) -> None:
        """Each batch as it commits, not at the end of the run."""
        self.stdout.write(render_batch(batch))
        self.stdout.flush()
