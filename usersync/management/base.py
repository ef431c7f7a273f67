"""What the usersync commands share: one-line errors with the right exit code, --json."""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from django.core import checks
from django.core.management.base import BaseCommand, CommandError, CommandParser, SystemCheckError

from usersync.errors import UsersyncError
from usersync.management.arguments import one_line

# 128 + SIGPIPE, what a shell reports for a writer whose reader closed the pipe.
EXIT_BROKEN_PIPE = 141


def failed_checks() -> str:
    """The system checks that stopped a command, as one line: bad settings are bad
    input (exit 2), as the commands' other errors are."""
    found = [m for m in checks.run_checks() if m.is_serious() and not m.is_silenced()]
    listed = "; ".join(f"({m.id}) {one_line(str(m.msg))}" for m in found)
    return f"the system checks failed: {listed or 'see manage.py check'}"


class UsersyncCommand(BaseCommand):
    """A thin command: parse, call usersync, print. A bad argument is one line and exit 2
    (not argparse's usage block); a UsersyncError is one line and its own exit code."""

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)

        def one_line_error(message: str) -> None:
            message = one_line(message)
            if parser.called_from_command_line:
                if "--json" in sys.argv[2:]:
                    self.write_json({"error": {"message": message, "exit_code": 2}})
                parser.exit(2, f"{parser.prog}: error: {message}\n")
            raise CommandError(f"Error: {message}", returncode=2)

        parser.error = one_line_error
        return parser

    def add_json_argument(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--json", action="store_true", help="print exactly one JSON document on stdout"
        )

    def add_verbose_argument(self, parser: CommandParser) -> None:
        parser.add_argument("--verbose", action="store_true", help="more detail (the same as -v 2)")

    _wrote_json = False

    def run_from_argv(self, argv: list[str]) -> None:
        try:
            super().run_from_argv(argv)
            sys.stdout.flush()
        except BrokenPipeError:
            # The reader went away (`sync_status | head -1`): stop quietly, as Unix tools do.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(EXIT_BROKEN_PIPE)

    def execute(self, *args: Any, **options: Any) -> Any:
        if options.get("verbose"):
            options["verbosity"] = max(options.get("verbosity", 1), 2)
        try:
            try:
                return super().execute(*args, **options)
            except SystemCheckError as error:
                raise CommandError(failed_checks(), returncode=2) from error
            except UsersyncError as error:
                raise CommandError(one_line(str(error)), returncode=error.exit_code) from error
        except CommandError as error:
            if options.get("json") and not self._wrote_json:
                # --json promises one JSON document on stdout, failures included.
                self.write_json({"error": {"message": str(error), "exit_code": error.returncode}})
            raise

    def write_json(self, data: Any) -> None:
        self.stdout.write(json.dumps(data, indent=2, default=str))
        self._wrote_json = True
