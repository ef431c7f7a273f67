"""Just enough of PostgreSQL's DDL, as migrations_sql/ writes it, to know what it makes:
statements, CREATE TABLE columns and keys in the form the catalog prints them back
(format_type, pg_get_expr, pg_get_constraintdef), and function argument types."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

DOLLAR_QUOTED = re.compile(r"\$(\w*)\$(.*?)\$\1\$", re.S)
# Spelling in our files -> format_type()'s.
TYPES = [
    (r"TIMESTAMP WITH TIME ZONE|TIMESTAMPTZ", "timestamp with time zone"),
    (r"TIMESTAMP(?: WITHOUT TIME ZONE)?", "timestamp without time zone"),
    (r"(?:VARCHAR|CHARACTER VARYING)\s*\((\d+)\)", "character varying({0})"),
    (r"VARCHAR|CHARACTER VARYING", "character varying"),
    (r"UUID", "uuid"),
    (r"BOOLEAN|BOOL", "boolean"),
    (r"BIGINT|INT8", "bigint"),
    (r"INTEGER|INT4|INT", "integer"),
    (r"SMALLINT|INT2", "smallint"),
    (r"DOUBLE PRECISION|FLOAT8", "double precision"),
    (r"TEXT", "text"),
    (r"JSONB", "jsonb"),
    (r"JSON", "json"),
    (r"INET", "inet"),
]
# Words that end a DEFAULT expression.
CLAUSES = r"NOT NULL|NULL|PRIMARY KEY|UNIQUE|REFERENCES|CHECK|GENERATED|CONSTRAINT|DEFAULT"


@dataclass
class Table:
    name: str
    # column -> (type, default, nullable 'YES'/'NO'), as verify_columns.sql reads them
    columns: dict[str, tuple[str, str | None, str]] = field(default_factory=dict)
    keys: list[str] = field(default_factory=list)  # pg_get_constraintdef, p/u/f only


def statements(text: str) -> tuple[list[str], list[str]]:
    """The statements of a file, comments dropped and whitespace collapsed; each
    dollar-quoted body replaced by $BODY<n>$, n indexing the returned bodies."""
    bodies: list[str] = []

    def keep(match: re.Match) -> str:
        bodies.append(match[2])
        return f"$BODY{len(bodies) - 1}$"

    text = DOLLAR_QUOTED.sub(keep, text)
    text = re.sub(r"--[^\n]*", "", text)
    return [" ".join(s.split()) for s in text.split(";") if s.strip()], bodies


def argument_types(arguments: str) -> str:
    """'user_id uuid, app_meta jsonb DEFAULT NULL' -> 'uuid, jsonb'."""
    types = []
    for argument in _top_level_split(arguments):
        argument = re.split(r"\s+DEFAULT\s+|\s*=\s*", argument, flags=re.I)[0].split()
        argument = [w for w in argument if w.upper() not in {"IN", "INOUT", "VARIADIC"}]
        if not argument or argument[0].upper() == "OUT":
            continue
        unnamed = any(re.fullmatch(p, " ".join(argument), re.I) for p, _ in TYPES)
        types.append(" ".join(argument if unnamed or len(argument) == 1 else argument[1:]))
    return ", ".join(types).lower()


def create_table(statement: str) -> Table | None:
    match = re.match(
        r"CREATE (?:UNLOGGED )?TABLE (?:IF NOT EXISTS )?(\S+) \((.*)\)$", statement, re.I | re.S
    )
    if not match:
        return None
    table = Table(name=match[1])
    for item in _top_level_split(match[2]):
        if re.match(r"(CONSTRAINT|PRIMARY KEY|UNIQUE|FOREIGN KEY|CHECK|EXCLUDE)\b", item, re.I):
            key = _table_constraint(item)
            if key:
                table.keys.append(key)
            continue
        _add_column(table, item)
    return table


def add_column(statement: str, tables: dict[str, Table]) -> bool:
    """`ALTER TABLE t ADD COLUMN [IF NOT EXISTS] c ...` on a table made before: add the
    column to it. False for any other statement."""
    match = re.match(
        r"ALTER TABLE (?:IF EXISTS )?(?:ONLY )?(\S+) ADD COLUMN (?:IF NOT EXISTS )?(.*)$",
        statement,
        re.I | re.S,
    )
    if not match or match[1] not in tables:
        return False
    _add_column(tables[match[1]], match[2])
    return True


def _add_column(table: Table, item: str) -> None:
    name, rest = item.split(None, 1)
    for pattern, printed in TYPES:
        type_match = re.match(rf"({pattern})(?!\w)", rest, re.I)
        if type_match:
            type_ = printed.format(*type_match.groups()[1:])
            rest = rest[type_match.end() :].strip()
            break
    else:
        raise ValueError(f"{table.name}.{name}: type not understood in {item!r}")
    nullable = "YES"
    default = None
    # An identity column is NOT NULL and has no default expression.
    rest = re.sub(r"\bGENERATED (?:ALWAYS|BY DEFAULT) AS IDENTITY\b", "NOT NULL", rest, flags=re.I)
    if re.search(r"\bNOT NULL\b|\bPRIMARY KEY\b", rest, re.I):
        nullable = "NO"
    if match := re.search(rf"\bDEFAULT\s+(.+?)\s*(?=\b(?:{CLAUSES})\b|$)", rest, re.I):
        default = _printed_default(match[1], type_)
    if re.search(r"\bPRIMARY KEY\b", rest, re.I):
        table.keys.append(f"PRIMARY KEY ({name})")
    if re.search(r"\bUNIQUE\b", rest, re.I):
        table.keys.append(f"UNIQUE ({name})")
    if match := re.search(
        r"\bREFERENCES\s+(\S+?)\s*\((\w+)\)((?:\s+ON (?:DELETE|UPDATE) (?:CASCADE|SET NULL|"
        r"SET DEFAULT|RESTRICT|NO ACTION))*)((?:\s+(?:NOT )?DEFERRABLE)?(?:\s+INITIALLY "
        r"(?:DEFERRED|IMMEDIATE))?)",
        rest,
        re.I,
    ):
        actions = " ".join(match[3].split()).upper().replace("ON DELETE NO ACTION", "").strip()
        deferral = " ".join(match[4].split()).upper().replace("INITIALLY IMMEDIATE", "").strip()
        if deferral == "NOT DEFERRABLE":
            deferral = ""
        table.keys.append(
            " ".join(
                p
                for p in (
                    f"FOREIGN KEY ({name}) REFERENCES {match[1]}({match[2]})",
                    actions,
                    deferral,
                )
                if p
            )
        )
    table.columns[name] = (type_, default, nullable)


def _printed_default(expression: str, type_: str) -> str:
    """A default as pg_get_expr prints it back for the column's type."""
    expression = expression.strip()
    if re.fullmatch(r"'(?:[^']|'')*'", expression):
        cast = re.sub(r"\(\d+\)$", "", type_)
        return f"{expression}::{cast}"
    if re.fullmatch(r"\w+\(\)", expression):
        return expression.lower()
    if expression.upper() in {"TRUE", "FALSE", "NULL"}:
        return expression.lower()
    return expression


def _table_constraint(item: str) -> str | None:
    item = re.sub(r"^CONSTRAINT \w+ ", "", item, flags=re.I)
    if re.match(r"(PRIMARY KEY|UNIQUE) \(", item, re.I):
        return item.upper().split("(")[0].strip() + " (" + item.split("(", 1)[1]
    if re.match(r"FOREIGN KEY", item, re.I):
        return item
    return None


def _top_level_split(text: str) -> list[str]:
    """Split at the commas that are not inside parentheses or quotes."""
    items, depth, current, quoted = [], 0, [], False
    for char in text:
        if char == "'":
            quoted = not quoted
        elif not quoted and char == "(":
            depth += 1
        elif not quoted and char == ")":
            depth -= 1
        if char == "," and depth == 0 and not quoted:
            items.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    if "".join(current).strip():
        items.append("".join(current).strip())
    return items
