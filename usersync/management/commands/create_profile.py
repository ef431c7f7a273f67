from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from usersync.conf import conf
from usersync.logs import audit
from usersync.management.base import UsersyncCommand
from usersync.sync.profiles import create_profile


class Command(UsersyncCommand):
    help = "Create the profile of one auth user who has none."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("user_id", help="the auth user's id (a UUID)")
        parser.add_argument(
            "--role",
            default=None,
            help=f"one of {', '.join(conf.ALLOWED_ROLES)} (default: {conf.DEFAULT_ROLE})",
        )
        parser.add_argument("--inactive", action="store_true", help="create it deactivated")
        self.add_json_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        profile = create_profile(
            options["user_id"],
            role=options["role"],
            active=not options["inactive"],
            actor=audit.Actor("command:create_profile"),
        )
        if options["json"]:
            self.write_json(profile.as_dict())
            return
        state = "active" if profile.is_active else "inactive"
        self.stdout.write(
            self.style.SUCCESS(
                f"Created the profile of {profile.user_id}: role {profile.role}, {state}"
                + (f", SSO {profile.sso_provider}" if profile.sso_provider else "")
            )
        )
