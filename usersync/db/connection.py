"""The connection usersync works on: the DATABASES alias named by USERSYNC_DATABASE."""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from usersync.conf import conf


def alias() -> str:
    return conf.DATABASE


def connection() -> BaseDatabaseWrapper:
    return connections[conf.DATABASE]


def atomic(**kwargs) -> transaction.Atomic:
    """transaction.atomic on usersync's database."""
    return transaction.atomic(using=conf.DATABASE, **kwargs)


def migrate_command(app_label: str = "") -> str:
    """The command that migrates usersync's database (`--database` when not default)."""
    words = ["python manage.py migrate"]
    if conf.DATABASE != DEFAULT_DB_ALIAS:
        words.append(f"--database {conf.DATABASE}")
    if app_label:
        words.append(app_label)
    return " ".join(words)
