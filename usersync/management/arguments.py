"""Argument types shared by the management commands: one clear line for a wrong value."""

from __future__ import annotations

import argparse
import uuid
from datetime import timedelta

MAX_BATCH_SIZE = 100_000


def _whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None


def positive_int(text: str) -> int:
    value = _whole_number(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number of at least 1, got {value}")
    return value


def batch_size(text: str) -> int:
    value = positive_int(text)
    if value > MAX_BATCH_SIZE:
        raise argparse.ArgumentTypeError(f"batch size must be at most {MAX_BATCH_SIZE}")
    return value


def limit_or_all(text: str) -> int | None:
    """A positive number, or 'all' (None: no limit)."""
    if text.strip().lower() == "all":
        return None
    return positive_int(text)


def fraction(text: str) -> float:
    """'30%' or '0.3' -> 0.3."""
    raw = text.strip()
    try:
        value = float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a share like 30% or 0.3, got {text!r}"
        ) from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"expected a share between 0% and 100%, got {text!r}")
    return value


def user_id(text: str) -> uuid.UUID:
    from usersync.errors import BadInput
    from usersync.ids import parse_user_id

    try:
        return parse_user_id(text)
    except BadInput as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def non_negative_int(text: str) -> int:
    value = _whole_number(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more, got {value}")
    return value


def one_line(text: str) -> str:
    """The text with control characters (newlines, carriage returns...) escaped, so that
    an error that quotes user input stays one line on a terminal."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def age(text: str) -> timedelta:
    """'90d', '12h', '4w', '30m' -> a timedelta."""
    from usersync.errors import BadInput
    from usersync.logs.retention import parse_age

    try:
        return parse_age(text)
    except BadInput as error:
        raise argparse.ArgumentTypeError(str(error)) from None
