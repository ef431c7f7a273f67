from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from usersync.management.base import UsersyncCommand
from usersync.schema import export


class Command(UsersyncCommand):
    help = (
        "Write usersync's database objects (tables, row level security, trigger functions "
        "and triggers) as one idempotent Supabase CLI migration, <UTC timestamp>_usersync.sql, "
        "made from the same SQL files `migrate` applies. An existing file is never overwritten."
    )
    requires_system_checks: list = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            metavar="DIR",
            default="supabase/migrations",
            help="the Supabase CLI's migrations folder (default: supabase/migrations); "
            "'-' prints the SQL on stdout",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["output"] == "-":
            self.stdout.write(export.render(), ending="")
            return
        path = export.write(Path(options["output"]))
        self.stdout.write(f"Wrote {path}")
