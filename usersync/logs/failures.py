"""Recorded failures of the triggers and the access token hook (usersync.trigger_failures):
what staff acknowledge. A trigger's failure is repaired by the next sync; a hook's is
not (a token went out without usersync's claims) and stays open until acknowledged."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from usersync.db.connection import atomic, connection
from usersync.db.errors import database_errors
from usersync.db.rows import fetch_one
from usersync.db.sql import query


@dataclass(frozen=True)
class Acknowledged:
    acknowledged: int  # recorded failures marked acknowledged
    unrecorded: int  # failures the hook could not record, whose count was reset


def acknowledge_hook_failures(ids: Sequence[int]) -> Acknowledged:
    """Mark these access token hook failures acknowledged (and reset the count of those
    the hook could not record)."""
    with database_errors(), atomic(), connection().cursor() as cursor:
        cursor.execute(query("acknowledge_hook_failures"), {"ids": list(ids)})
        return fetch_one(cursor, into=Acknowledged)
