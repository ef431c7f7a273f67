from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from usersync.management.arguments import non_negative_int
from usersync.management.base import UsersyncCommand
from usersync.sync.profiles import preservation_report


class Command(UsersyncCommand):
    help = (
        "Which profiles hold data other than the defaults, i.e. what sync_users --no-preserve "
        "would overwrite."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("user_ids", nargs="*", metavar="user_id", help="only these users")
        parser.add_argument(
            "--limit",
            type=non_negative_int,
            default=100,
            help="list at most N profiles (default 100; 0 lists all); counts are always exact",
        )
        self.add_json_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        report = preservation_report(options["user_ids"] or None, limit=options["limit"] or None)
        if options["json"]:
            self.write_json(report.as_dict())
            return
        summary = report.as_dict()["summary"]
        self.stdout.write(
            f"{summary['profiles_examined']:,} profiles examined: "
            f"{summary['profiles_with_data']:,} hold data that --no-preserve would overwrite, "
            f"{summary['profiles_with_defaults_only']:,} hold only defaults."
        )
        for profile in report.profiles:
            fields = ", ".join(f"{k}={v}" for k, v in profile.preserved.items())
            self.stdout.write(f"  {profile.user_id}  {profile.email or ''}  {fields}")
        if report.truncated:
            more = report.profiles_with_data - len(report.profiles)
            self.stdout.write(f"  ... and {more:,} more (--limit 0 lists all)")
        for user_id in report.users_without_profile:
            self.stdout.write(f"  {user_id}  has no profile (sync_users creates it)")
        for user_id in report.unknown_user_ids:
            self.stdout.write(f"  {user_id}  is not an auth user")
