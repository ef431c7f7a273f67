from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from usersync.logs import audit, retention
from usersync.management import arguments as cli
from usersync.management.base import UsersyncCommand
from usersync.management.render import number


class Command(UsersyncCommand):
    help = (
        "Delete user activity and chat error entries older than an age, in batches; the "
        "admin audit log is kept unless --include-audit is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than",
            type=cli.age,
            required=True,
            metavar="AGE",
            help="entries older than this are deleted: 90d, 12h, 4w, 30m",
        )
        parser.add_argument("--dry-run", action="store_true", help="count, delete nothing")
        parser.add_argument(
            "--include-audit",
            action="store_true",
            help="also prune admin_audit_log (kept by default; the pruning itself is audited)",
        )
        parser.add_argument(
            "--batch-size",
            type=cli.batch_size,
            default=retention.DEFAULT_BATCH_SIZE,
            help=f"entries per delete transaction (default {retention.DEFAULT_BATCH_SIZE})",
        )
        self.add_json_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        verbose = options["verbosity"] >= 2 and not options["json"]
        result = retention.prune(
            options["older_than"],
            dry_run=options["dry_run"],
            include_audit=options["include_audit"],
            batch_size=options["batch_size"],
            progress=(lambda t, n: self.stdout.write(f"{t}: deleted {number(n)}"))
            if verbose
            else None,
            actor=audit.Actor("command:prune_logs"),
        )
        if options["json"]:
            self.write_json(result.as_dict())
            return
        verb = "Would delete" if result.dry_run else "Deleted"
        counts = ", ".join(f"{number(n)} from {table}" for table, n in result.counts.items())
        self.stdout.write(
            f"{verb} entries created before {result.cutoff:%Y-%m-%d %H:%M %Z}: {counts}."
        )
        if not result.audit_included:
            self.stdout.write("admin_audit_log kept (--include-audit prunes it too).")
