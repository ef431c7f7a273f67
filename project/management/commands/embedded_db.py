from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from project import embedded_db


class Command(BaseCommand):
    help = "Start, stop or show the embedded PostgreSQL used when DATABASE_URL is unset."
    requires_system_checks: list = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["status", "start", "stop"])
        parser.add_argument("--json", action="store_true", help="print the state as JSON")

    def handle(self, *args, action: str, **options) -> None:
        try:
            if action == "start":
                state = embedded_db.ensure_running()
            elif action == "stop":
                was = embedded_db.stop()
                state = embedded_db.status()
                if not options["json"]:
                    self.stdout.write("stopped" if was.running else "was not running")
                    return
            else:
                state = embedded_db.status()
        except embedded_db.EmbeddedDatabaseError as error:
            raise CommandError(str(error), returncode=2) from error
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "running": state.running,
                        "pid": state.pid,
                        "host": embedded_db.HOST if state.running else None,
                        "port": state.port,
                        "version": state.version,
                        "pgdata": str(state.pgdata),
                    }
                )
            )
        else:
            self.stdout.write(state.describe())
