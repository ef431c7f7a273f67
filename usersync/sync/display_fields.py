"""Display fields (opt-in): profile columns the host adds with its own migration, kept
equal to auth data as USERSYNC_DISPLAY_FIELDS maps them, e.g.
``{"full_name": "user_metadata.full_name", "email": "email"}``.

After every migrate usersync generates the body of usersync.fill_display_fields
(display_fields.v1.sql makes it empty) from the mapping: one plain UPDATE with the
column names quoted and the JSON keys as literals, so the sign-up trigger, the update
trigger on_auth_user_display_changed and the sync run static SQL. A hash of the mapping
is the function's comment: verify_migration reports a mapping changed but not migrated.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

from psycopg import sql

from usersync.conf import conf
from usersync.db.connection import alias, atomic, connection
from usersync.db.errors import database_errors
from usersync.db.rows import fetch_all, fetch_one
from usersync.db.sql import query
from usersync.errors import Misconfigured, NotMigrated

FUNCTION = "usersync.fill_display_fields(uuid[])"
# email, phone, or a key of the user's or the app's metadata.
SOURCE = re.compile(r"(email|phone|(user_metadata|app_metadata)\.[A-Za-z0-9_]{1,64})\Z")
SOURCE_COLUMNS = {
    "email": "email",
    "phone": "phone",
    "user_metadata": "raw_user_meta_data",
    "app_metadata": "raw_app_meta_data",
}
# The column types a display field may have (format_type's spelling).
TEXT_TYPE = re.compile(r"(text|character varying(\(\d+\))?|character(\(\d+\))?)\Z")
ALLOWED = "email, phone, user_metadata.<key> or app_metadata.<key> (key: A-Z a-z 0-9 _)"
# Written by display_fields.v1.sql for the empty mapping: the same text as generated.
EMPTY_BODY = "\n    SELECT u.id FROM unnest(user_ids) AS u(id) WHERE false\n"


def own_columns() -> frozenset[str]:
    """The profile columns usersync writes itself: never a display field."""
    from usersync.models import UserProfile

    return frozenset(f.column for f in UserProfile._meta.concrete_fields)


def mapping_problems(mapping: Any) -> list[str]:
    """What is wrong with a USERSYNC_DISPLAY_FIELDS value, read without the database:
    its shape and its sources (check E025) and usersync's own columns (E026)."""
    if not isinstance(mapping, Mapping):
        return [f"USERSYNC_DISPLAY_FIELDS is not a dict of column: source, got {mapping!r}"]
    problems = []
    own = own_columns()
    for column, source in mapping.items():
        if not isinstance(column, str) or not column:
            problems.append(f"USERSYNC_DISPLAY_FIELDS: {column!r} is not a column name")
        elif column in own:
            problems.append(
                f"USERSYNC_DISPLAY_FIELDS maps {column!r}, a column usersync writes itself"
            )
        if not isinstance(source, str) or not SOURCE.match(source):
            problems.append(
                f"USERSYNC_DISPLAY_FIELDS[{column!r}] = {source!r} is not one of {ALLOWED}"
            )
    return problems


def mapping_hash(mapping: Mapping[str, str]) -> str:
    text = json.dumps(dict(mapping), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def comment(mapping: Mapping[str, str]) -> str:
    return f"usersync display_fields mapping {mapping_hash(mapping)}"


def column_types(columns: list[str]) -> dict[str, str | None]:
    """Each column's type in public.user_profiles (None: no such column)."""
    with connection().cursor() as cursor:
        cursor.execute(query("display_field_columns"), {"columns": columns})
        return {row["name"]: row["type"] for row in fetch_all(cursor)}


def column_problems(types: Mapping[str, str | None]) -> tuple[list[str], list[str]]:
    """(columns that do not exist, columns whose type is not text), as sentences."""
    missing = [
        f"USERSYNC_DISPLAY_FIELDS maps {name!r}, which public.user_profiles does not have: "
        "add it with a migration of your project"
        for name, type_ in types.items()
        if type_ is None
    ]
    not_text = [
        f"USERSYNC_DISPLAY_FIELDS maps {name!r}, of type {type_}: a display field is text, "
        "varchar or char"
        for name, type_ in types.items()
        if type_ is not None and not TEXT_TYPE.match(type_)
    ]
    return missing, not_text


def _source(source: str) -> sql.Composable:
    kind, _, key = source.partition(".")
    column = sql.SQL("u.") + sql.Identifier(SOURCE_COLUMNS[kind])
    return column if not key else sql.SQL("{} ->> {}").format(column, sql.Literal(key))


def body(mapping: Mapping[str, str], types: Mapping[str, str]) -> str:
    """The function's body for this mapping: plain SQL, names quoted, keys literals."""
    if not mapping:
        return EMPTY_BODY
    columns = sorted(mapping)
    values = [
        sql.SQL("({})::{}").format(_source(mapping[name]), sql.SQL(types[name])) for name in columns
    ]
    statement = sql.SQL(
        "\n    UPDATE public.user_profiles p"
        "\n       SET {assignments}"
        "\n      FROM auth.users u"
        "\n     WHERE u.id = ANY (user_ids)"
        "\n       AND p.user_id = u.id"
        "\n       AND ROW({held}) IS DISTINCT FROM ROW({values})"
        "\n    RETURNING p.user_id\n"
    ).format(
        assignments=sql.SQL(", ").join(
            sql.SQL("{} = {}").format(sql.Identifier(name), value)
            for name, value in zip(columns, values, strict=True)
        ),
        held=sql.SQL(", ").join(sql.SQL("p.") + sql.Identifier(name) for name in columns),
        values=sql.SQL(", ").join(values),
    )
    return statement.as_string(connection().connection)


def generated(mapping: Mapping[str, str]) -> tuple[str, str]:
    """(body, comment) for the mapping, against the database's columns; Misconfigured
    (one line) for a mapping that cannot be installed."""
    problems = mapping_problems(mapping)
    if problems:
        raise Misconfigured(problems[0])
    types = column_types(sorted(mapping)) if mapping else {}
    missing, not_text = column_problems(types)
    if missing or not_text:
        raise Misconfigured((missing + not_text)[0])
    return body(mapping, types), comment(mapping)


def install() -> bool:
    """Replace usersync.fill_display_fields by the one USERSYNC_DISPLAY_FIELDS gives, in
    one transaction (nothing is written when the mapping is refused); True if it
    changed. NotMigrated before migration 0019."""
    mapping = conf.DISPLAY_FIELDS
    with database_errors(), atomic(), connection().cursor() as cursor:
        cursor.execute(query("display_fields_installed"))
        installed = fetch_one(cursor)
        if installed is None:
            raise NotMigrated("usersync's tables are older than this version: run migrate")
        new_body, new_comment = generated(mapping)
        if installed["body_md5"] == _md5(new_body) and installed["comment"] == new_comment:
            return False
        cursor.execute(
            sql.SQL(
                "CREATE OR REPLACE FUNCTION usersync.fill_display_fields(user_ids uuid[])"
                " RETURNS SETOF uuid LANGUAGE sql VOLATILE SET search_path = '' AS {}"
            )
            .format(sql.Literal(new_body))
            .as_string(connection().connection)
        )
        cursor.execute(
            sql.SQL("COMMENT ON FUNCTION usersync.fill_display_fields(uuid[]) IS {}")
            .format(sql.Literal(new_comment))
            .as_string(connection().connection)
        )
    return True


def problems() -> list[str]:
    """What verify_migration says of the installed function: a mapping changed and not
    migrated, or a body that is not the generated one (empty: all is well, or not
    migrated yet)."""
    mapping = conf.DISPLAY_FIELDS
    with connection().cursor() as cursor:
        cursor.execute(query("display_fields_installed"))
        installed = fetch_one(cursor)
    if installed is None:
        return []
    wanted = comment(mapping)
    if installed["comment"] != wanted:
        return [
            f"the installed mapping ({installed['comment'] or 'none'}) is not "
            f"USERSYNC_DISPLAY_FIELDS ({wanted}): run migrate"
        ]
    try:
        new_body, _ = generated(mapping)
    except Misconfigured as error:
        return [str(error)]
    if installed["body_md5"] != _md5(new_body):
        return ["body differs from the one USERSYNC_DISPLAY_FIELDS generates: run migrate"]
    return []


def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


def install_after_migrate(using: str = "default", **kwargs: Any) -> None:
    """post_migrate: on usersync's database, once migration 0019 made the function."""
    if using != alias():
        return
    with connection().cursor() as cursor:
        cursor.execute(query("display_fields_installed"))
        if fetch_one(cursor) is None:
            return
    install()
