from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from usersync.management.base import UsersyncCommand
from usersync.management.render import FAIL, INFO, OK, plural
from usersync.schema import e2e as end_to_end
from usersync.schema import hook
from usersync.schema import verify as schema

GROUP_LINES = {
    "tables": "All required tables exist",
    "triggers": "All triggers are installed and enabled",
    "functions": "All functions are created",
    "security": "Row level security and grants are in place",
    "e2e": "End-to-end sign-up test passed",
}
# A failing group's line names what failed, after these words.
GROUP_FAILED = {
    "tables": "Tables not as migrations_sql makes them",
    "triggers": "Triggers not installed and enabled",
    "functions": "Functions not as created",
    "security": "Row level security or grants not in place",
    "e2e": "End-to-end sign-up test failed",
}
# Only a sign-up shows that the triggers work; without --e2e they were only looked at.
TRIGGERS_EXERCISED = "All triggers are functioning"
NOT_RUN = "Not checked: the triggers at work (add --e2e for a throw-away sign-up)"


def ran_as(role: str) -> str:
    if role == end_to_end.AUTH_ROLE:
        return f"The sign-up ran as {role}, the role Supabase Auth inserts users as"
    return (
        f"The sign-up ran as {role}: SET ROLE {end_to_end.AUTH_ROLE} was refused, so the "
        "trigger functions were checked to run as their owner (SECURITY DEFINER, "
        "search_path pinned) and their owner to hold every privilege they use"
    )


class Command(UsersyncCommand):
    help = (
        "Verify the installed tables, triggers, functions (the access token hook too), RLS "
        "and grants; --e2e also signs up a throw-away user inside a rolled-back "
        "transaction (as supabase_auth_admin where the role may, and says as whom); "
        "--repair re-applies the SQL."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--e2e", action="store_true", help="also run the end-to-end test")
        parser.add_argument(
            "--repair", action="store_true", help="re-apply every SQL object, then verify"
        )
        self.add_verbose_argument(parser)
        self.add_json_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["repair"]:
            schema.repair()
            if not options["json"]:
                self.stdout.write(
                    "Re-applied usersync's SQL (tables, row level security, triggers, "
                    "access token hook)."
                )
        result = schema.verify()
        if options["e2e"] and result.group_ok("tables"):
            result.e2e, result.e2e_role = end_to_end.end_to_end()
        if options["json"]:
            self.write_json(result.as_dict())
        else:
            self._print(result, verbose=options["verbosity"] >= 2, e2e=options["e2e"])
        if not result.ok:
            raise CommandError(
                f"migration verification failed: {plural(len(result.failures), 'problem')}",
                returncode=1,
            )

    def _print(self, result: schema.Verification, verbose: bool, e2e: bool) -> None:
        mark = OK if result.ok else FAIL
        self.stdout.write(f"{mark} Migration verification {'passed' if result.ok else 'failed'}")
        groups = ["tables", "triggers", "functions", "security"] + (["e2e"] if e2e else [])
        for group in groups:
            checks = [c for c in result.checks + result.e2e if c.group == group]
            failing = [c for c in checks if not c.ok]
            if failing:
                named = "; ".join(f"{c.name}: {c.detail}" if c.detail else c.name for c in failing)
                self.stdout.write(f"{FAIL} {GROUP_FAILED[group]}: {named}")
                for repair in dict.fromkeys(c.repair for c in failing):
                    self.stdout.write(f"   repair: {repair}")
            else:
                line = GROUP_LINES[group]
                if group == "triggers" and e2e and result.group_ok("e2e"):
                    line = TRIGGERS_EXERCISED
                self.stdout.write(f"{OK} {line}")
            if verbose:
                for check in checks:
                    if check.ok:
                        self.stdout.write(f"   {OK} {check.name}")
        if not e2e:
            self.stdout.write(f"   {NOT_RUN}")
        elif result.e2e_role:
            self.stdout.write(f"   {ran_as(result.e2e_role)}")
        self.stdout.write(f"{INFO} {hook.ENABLE_NOTE}")
