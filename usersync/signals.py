"""Django signals usersync sends when it changes something (docs/signals.md).

Each is sent once the change's transaction has committed on usersync's database
(``transaction.on_commit(using=USERSYNC_DATABASE)``), so a receiver never sees a change
that is later rolled back, and may read the new state from any connection. Each sends
``user_id`` (a UUID; None for sync_finished), ``actor`` (the audit log's name of who acted,
e.g. "admin:alice", "api:bob@example.com", "usersync:profile-on-sign-in", "command:sync_users")
``actor_user_id`` (the actor's Supabase user id, or None) and ``reason`` (text or None);
``sender`` is usersync.models.UserProfile, or SyncResult for sync_finished.

A receiver that raises never undoes the change (it is committed already) and never fails
the request or command that made it: the error is logged on the "usersync.signals" logger
with its traceback, and the other receivers still run.

    from django.dispatch import receiver
    from usersync.signals import profile_deactivated

    @receiver(profile_deactivated)
    def tell_them(sender, user_id, actor, reason, **kwargs):
        send_mail("Your account was deactivated", reason, ...)
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.dispatch import Signal

from usersync.conf import conf

logger = logging.getLogger("usersync.signals")

# A profile usersync made: create_profile (Python, command, admin, API), on sign-in
# (just in time), or by a sync (one signal per profile, after its batch commits).
profile_created = Signal()
# A staff deactivation (reason: why, always given) and reactivation.
profile_deactivated = Signal()
profile_reactivated = Signal()
# A staff role change. Also: old_role, new_role.
role_changed = Signal()
# A sync run ended, whether it succeeded or not. Also: result (the SyncResult, as far as
# the run got), succeeded (bool), error (the exception, or None).
sync_finished = Signal()

ALL = {
    "profile_created": profile_created,
    "profile_deactivated": profile_deactivated,
    "profile_reactivated": profile_reactivated,
    "role_changed": role_changed,
    "sync_finished": sync_finished,
}


def _name_of(signal: Signal) -> str:
    return next((name for name, known in ALL.items() if known is signal), repr(signal))


def deliver(signal: Signal, sender: Any, **kwargs: Any) -> None:
    """Send now, to every receiver; log (never raise) what a receiver raised."""
    for receiver, response in signal.send_robust(sender, **kwargs):
        if isinstance(response, Exception):
            logger.error(
                "usersync: a receiver of usersync.signals.%s (%s) raised: %r",
                _name_of(signal),
                getattr(receiver, "__qualname__", receiver),
                response,
                exc_info=(type(response), response, response.__traceback__),
            )


def send_on_commit(signal: Signal, sender: Any, **kwargs: Any) -> None:
    """Send once the current transaction on usersync's database commits (at once when
    there is none); nothing is sent if it rolls back."""
    if not signal.has_listeners(sender):
        return
    transaction.on_commit(lambda: deliver(signal, sender, **kwargs), using=conf.DATABASE)
