from __future__ import annotations

import json

from django.core.management.base import CommandParser

from usersync.contrib.supabase_local import demo_data
from usersync.management.arguments import fraction, positive_int
from usersync.management.base import UsersyncCommand
from usersync.management.render import plural


class Command(UsersyncCommand):
    help = (
        "Insert demo sign-ups into the local Supabase stand-in, as Supabase Auth does "
        "(role supabase_auth_admin). Refuses to write into a real Supabase project."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("count", type=positive_int, help="how many users to create")
        parser.add_argument(
            "--without-profiles",
            type=fraction,
            default=0.0,
            metavar="PERCENT",
            help="share of 'legacy' users left without a profile, e.g. 30%% or 0.3",
        )
        parser.add_argument(
            "--deleted",
            type=fraction,
            default=0.0,
            metavar="PERCENT",
            help="share of soft-deleted users (deleted_at set), exact like --without-profiles",
        )
        self.add_json_argument(parser)

    def handle(self, *args, count: int, without_profiles: float, deleted: float, **options):
        result = demo_data.seed(count, without_profiles=without_profiles, deleted=deleted)
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict()))
        else:
            legacy = result.without_profiles
            text = (
                f"Created {plural(result.users, 'demo user')}; {legacy:,} of them "
                f"{'has' if legacy == 1 else 'have'} no profile"
            )
            if result.deleted:
                text += (
                    f", {result.deleted:,} {'is' if result.deleted == 1 else 'are'} soft-deleted"
                )
            self.stdout.write(self.style.SUCCESS(text + "."))
