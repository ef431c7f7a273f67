"""The sign-up trigger's state in words: the one place the status command, the health
checks, the admin and verify_migration take their sentences and the repair command from."""

from __future__ import annotations

from dataclasses import dataclass

TRIGGER = "on_auth_user_created"
REPAIR = "python manage.py verify_migration --repair"


@dataclass(frozen=True)
class TriggerState:
    installed: bool
    enabled: bool
    failures: int = 0

    @property
    def working(self) -> bool:
        return self.installed and self.enabled

    @property
    def summary(self) -> str:
        """A few words, for a table cell."""
        if self.working:
            return "installed, enabled"
        return "installed but DISABLED" if self.installed else "NOT installed"

    @property
    def sentence(self) -> str:
        """The trigger's state as one sentence, good or bad."""
        if self.working:
            return f"trigger {TRIGGER} is installed and enabled"
        state = "disabled" if self.installed else "missing"
        return (
            f"the profile trigger {TRIGGER} is {state}: new sign-ups get no profile "
            f"(repair: {REPAIR})"
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
        if self.failures_sentence:
            found.append(self.failures_sentence)
        return found
