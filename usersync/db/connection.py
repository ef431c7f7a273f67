"""The connection usersync works on: the DATABASES alias named by USERSYNC_DATABASE."""

from __future__ import annotations

from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from usersync.conf import conf


def alias() -> str:
    return conf.DATABASE


def connection() -> BaseDatabaseWrapper:
    return connections[conf.DATABASE]


def atomic(**kwargs) -> transaction.Atomic:
    """transaction.atomic on usersync's database."""
    return transaction.atomic(using=conf.DATABASE, **kwargs)
