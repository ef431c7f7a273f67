"""System checks of USERSYNC_DISPLAY_FIELDS (usersync.sync.display_fields): its sources
and columns from the setting alone (E025, E026), and the columns' types in the database
(E027, W009; tagged "database", as ``migrate`` and ``check --database`` run them).

A mapped column that does not exist yet is a warning, not an error: the migrate that
adds it (your project's migration) runs the database checks before it starts. If the
column is still missing after that migrate, installing the mapping stops it with the
same sentence."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, Warning
from django.db import DatabaseError

from usersync.conf import conf
from usersync.sync import display_fields

HINT = "See docs/display-fields.md: the allowed sources, and the migration that adds columns."


def check_display_fields(**kwargs: Any) -> list[CheckMessage]:
    mapping = conf.DISPLAY_FIELDS
    if not mapping:
        return []
    messages: list[CheckMessage] = []
    for problem in display_fields.mapping_problems(mapping):
        own = "a column usersync writes itself" in problem
        messages.append(Error(problem, hint=HINT, id="usersync.E026" if own else "usersync.E025"))
    return messages


def check_display_columns(databases: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """A database check: each mapped column exists in public.user_profiles (W009) and
    holds text (E027). Silent when the database cannot be read, or the mapping itself
    is refused (E025, E026)."""
    mapping = conf.DISPLAY_FIELDS
    if not databases or conf.DATABASE not in databases or not mapping:
        return []
    if display_fields.mapping_problems(mapping):
        return []
    try:
        types = display_fields.column_types(sorted(mapping))
    except DatabaseError:
        return []
    missing, not_text = display_fields.column_problems(types)
    return [Warning(m, hint=HINT, id="usersync.W009") for m in missing] + [
        Error(m, hint=HINT, id="usersync.E027") for m in not_text
    ]
