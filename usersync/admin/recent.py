"""Django's "Recent actions" (LogEntry) for what staff change through the admin, where
staff look first. usersync's own audit log stays the full record; these entries only
say what was done, and link to the per-user page ("why can't this person get in?").

An entry is about the auth user: its change URL, `admin:usersync_authuser_change`, is
the per-user page (PersonPageMixin names it so), which is where Django's
LogEntry.get_admin_url() leads. LogEntry.objects.log_actions (Django 5.1+; log_action
is deprecated) writes them, one query for the lot.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.http import HttpRequest

from usersync.models import AuthUser, SyncRun

__all__ = ["ADDITION", "CHANGE", "log_sync", "log_users"]


def log_users(
    request: HttpRequest,
    user_ids: Iterable[uuid.UUID],
    message: str | list,
    flag: int = CHANGE,
) -> None:
    """One Recent actions entry per auth user, by the signed-in staff account (`message`:
    text, or Django's change-message list)."""
    ids = list(user_ids)
    if not ids:
        return
    users = AuthUser.objects.filter(pk__in=ids).order_by("id")
    LogEntry.objects.log_actions(request.user.pk, users, flag, message)


def log_sync(request: HttpRequest, run_id: int, message: str) -> None:
    """The Recent actions entry of a sync staff ran, linking to its run."""
    runs = SyncRun.objects.filter(pk=run_id)
    LogEntry.objects.log_actions(request.user.pk, runs, CHANGE, message)
