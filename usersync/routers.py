"""Supabase as a second database: with ``USERSYNC_DATABASE = "supabase"`` and
``DATABASE_ROUTERS = ["usersync.routers.UsersyncRouter"]``, usersync's models and
migrations (and the local stand-in's) go to that alias, Django's own stay where they were.

One relation crosses the two databases: a StaffLink (in usersync's database) names a
Django user (in the host's). It is a plain column there, without a foreign key: the
admin and ``usersync.staff.identity`` read the user from the host's database, and a
deleted user's link is removed by ``usersync.staff.identity.forget_deleted_user``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, models, router

from usersync.conf import conf

APP_LABELS = frozenset({"usersync", "supabase_local"})


def is_usersyncs(model_or_object: Any) -> bool:
    return model_or_object._meta.app_label in APP_LABELS


def _is_user(obj: models.Model) -> bool:
    return obj._meta.label_lower == settings.AUTH_USER_MODEL.lower()


class UsersyncRouter:
    """Reads, writes and migrations of usersync (and usersync.contrib.supabase_local) on
    USERSYNC_DATABASE; no other app's tables in that database unless it is "default".
    Other apps are left to the routers after this one (or Django's default)."""

    def db_for_read(self, model: type[models.Model], **hints: Any) -> str | None:
        return self._route(model, hints, router.db_for_read)

    def db_for_write(self, model: type[models.Model], **hints: Any) -> str | None:
        return self._route(model, hints, router.db_for_write)

    def _route(self, model, hints: dict, route) -> str | None:
        if is_usersyncs(model):
            return conf.DATABASE
        instance = hints.get("instance")
        if instance is not None and is_usersyncs(instance):
            # A Django model reached from one of ours (a StaffLink's user): without an
            # answer here Django would look for it in the instance's database, ours.
            return route(model, **{k: v for k, v in hints.items() if k != "instance"})
        return None

    def allow_relation(self, obj1: models.Model, obj2: models.Model, **hints: Any) -> bool | None:
        ours = is_usersyncs(obj1), is_usersyncs(obj2)
        if all(ours):
            return True
        if any(ours):
            # StaffLink.user, the one relation from usersync's database to the host's.
            other = obj2 if ours[0] else obj1
            return True if _is_user(other) else None
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        if app_label in APP_LABELS:
            return db == conf.DATABASE
        if db == conf.DATABASE and db != DEFAULT_DB_ALIAS:
            return False  # Django's tables are not created in the Supabase database
        return None


def routing_problem() -> str | None:
    """Why usersync's models would not reach USERSYNC_DATABASE (None: they do)."""
    from usersync.models import UserProfile

    routed = router.db_for_write(UserProfile)
    if routed == conf.DATABASE:
        return None
    return (
        f"USERSYNC_DATABASE is {conf.DATABASE!r} but usersync's models are routed to "
        f"{routed!r}: add 'usersync.routers.UsersyncRouter' to DATABASE_ROUTERS"
    )
