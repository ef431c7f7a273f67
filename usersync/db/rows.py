"""Query results read by column name, never by position.

A row becomes a dict keyed by `cursor.description`'s column names, or a dataclass whose
fields those names fill. When the columns and the fields disagree (a column the type
lacks, a field no column fills, two columns of one name) the mapping fails at once with
a RowShapeError naming them: a reordered SELECT or dataclass can never swap two values.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, TypeVar, overload

from usersync.errors import RowShapeError

T = TypeVar("T")


def column_names(cursor) -> list[str]:
    """The names of the columns of the cursor's last query, in order."""
    if cursor.description is None:
        raise RowShapeError("the query returned no columns (not a SELECT or RETURNING)")
    names = [column[0] for column in cursor.description]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise RowShapeError(
            f"the query returns several columns named {', '.join(duplicates)}: alias them"
        )
    return names


def _fields(into: type) -> tuple[set[str], set[str]]:
    """The names a dataclass accepts, and those of them without a default."""
    accepted = {f.name for f in dataclasses.fields(into) if f.init}
    required = {
        f.name
        for f in dataclasses.fields(into)
        if f.init and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    }
    return accepted, required


def build(into: type[T], values: Mapping[str, Any], **extra: Any) -> T:
    """`into(**values, **extra)` for a dataclass, refusing a column it has no field for
    and a field that nothing fills (fields with a default may be left out)."""
    if not dataclasses.is_dataclass(into):
        raise TypeError(f"{into!r} is not a dataclass")
    accepted, required = _fields(into)
    both = sorted(set(values) & set(extra))
    given = set(values) | set(extra)
    unexpected = sorted(given - accepted)
    missing = sorted(required - given)
    if both or unexpected or missing:
        problems = [
            f"{label}: {', '.join(names)}"
            for label, names in (
                ("missing", missing),
                ("unexpected", unexpected),
                ("given twice", both),
            )
            if names
        ]
        raise RowShapeError(
            f"columns {', '.join(values) or '(none)'} do not match {into.__name__}'s fields "
            f"({'; '.join(problems)})"
        )
    return into(**values, **extra)


def as_dicts(cursor) -> list[dict[str, Any]]:
    """Every remaining row of the cursor as a dict of column name to value."""
    names = column_names(cursor)
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


@overload
def fetch_one(cursor) -> dict[str, Any] | None: ...
@overload
def fetch_one(cursor, into: type[T], **extra: Any) -> T | None: ...
def fetch_one(cursor, into: type | None = None, **extra: Any):
    """The next row as a dict (or as `into`, with `extra` fields added); None if none."""
    names = column_names(cursor)
    row = cursor.fetchone()
    if row is None:
        return None
    values = dict(zip(names, row, strict=True))
    return values if into is None else build(into, values, **extra)


@overload
def fetch_all(cursor) -> list[dict[str, Any]]: ...
@overload
def fetch_all(cursor, into: type[T], **extra: Any) -> list[T]: ...
def fetch_all(cursor, into: type | None = None, **extra: Any):
    """Every remaining row as a dict (or as `into`, with `extra` fields added)."""
    rows = as_dicts(cursor)
    return rows if into is None else [build(into, row, **extra) for row in rows]


def fetch_value(cursor, default: Any = None) -> Any:
    """The single value of a one-column query (`SELECT count(*) …`); `default` if it
    returned no row. A query of several columns is refused: read those by name."""
    names = column_names(cursor)
    if len(names) != 1:
        raise RowShapeError(
            f"expected one column, the query returns {len(names)}: {', '.join(names)}"
        )
    row = cursor.fetchone()
    return default if row is None else row[0]
