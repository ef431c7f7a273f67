"""The triggers' state in words: the one place the status command, the health checks,
the admin and verify_migration take their sentences and the repair command from. The
sign-up trigger makes profiles; the sign-in trigger moves their last_login."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

TRIGGER = "on_auth_user_created"
SIGNIN_TRIGGER = "on_auth_user_signed_in"
REPAIR = "python manage.py verify_migration --repair"


@dataclass(frozen=True)
class TriggerState:
    installed: bool
    enabled: bool
    failures: int = 0
    signin_installed: bool = True
    signin_enabled: bool = True

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> TriggerState:
        """From a row with the columns of usersync.profile_trigger_state and
        usersync.signin_trigger_state (the sign-in trigger taken as working when the row
        has none) and trigger_failures."""
        return cls(
            installed=row["trigger_installed"],
            enabled=row["trigger_enabled"],
            failures=row.get("trigger_failures", 0),
            signin_installed=row.get("signin_trigger_installed", True),
            signin_enabled=row.get("signin_trigger_enabled", True),
        )

    @property
    def working(self) -> bool:
        """The sign-up trigger is installed and enabled."""
        return self.installed and self.enabled

    @property
    def signin_working(self) -> bool:
        return self.signin_installed and self.signin_enabled

    @property
    def summary(self) -> str:
        """A few words, for a table cell."""
        if self.working:
            text = "installed, enabled"
        else:
            text = "installed but DISABLED" if self.installed else "NOT installed"
        if not self.signin_working:
            state = "DISABLED" if self.signin_installed else "NOT installed"
            text += f"; sign-in trigger {state}"
        return text

    @property
    def sentence(self) -> str:
        """The sign-up trigger's state as one sentence, good or bad."""
        if self.working:
            return f"trigger {TRIGGER} is installed and enabled"
        state = "disabled" if self.installed else "missing"
        return (
            f"the profile trigger {TRIGGER} is {state}: new sign-ups get no profile "
            f"(repair: {REPAIR})"
        )

    @property
    def signin_sentence(self) -> str:
        """The sign-in trigger's state as one sentence, good or bad."""
        if self.signin_working:
            return f"trigger {SIGNIN_TRIGGER} is installed and enabled"
        state = "disabled" if self.signin_installed else "missing"
        return (
            f"the sign-in trigger {SIGNIN_TRIGGER} is {state}: sign-ins do not reach "
            f"the profiles' last_login (repair: {REPAIR})"
        )

    @property
    def failures_sentence(self) -> str | None:
        if not self.failures:
            return None
        return (
            f"{self.failures:,} profile creations failed in the trigger; "
            f"run sync_users to repair them"
        )

    def problems(self) -> list[str]:
        """What is wrong, one sentence each (none when all is well)."""
        found = [] if self.working else [self.sentence]
        if not self.signin_working:
            found.append(self.signin_sentence)
        if self.failures_sentence:
            found.append(self.failures_sentence)
        return found
