"""Searching the admin's user lists at millions of users without an index of usersync's
on auth tables (Supabase forbids them): a complete e-mail address (in any case), a
complete phone number or a user id is looked up through an index (the auth service's
own, or a primary key), in milliseconds at any size. Anything else (part of an address
or number), and a complete one that no user has, is Django's substring search, which
reads all of auth.users: seconds at ten million."""

from __future__ import annotations

import re
import uuid

from usersync.db.connection import connection
from usersync.db.rows import fetch_all
from usersync.db.sql import query

SEARCH_HELP = (
    "A whole e-mail address, phone number or user id (UUID): found at once. Part of an "
    "address or number, or one nobody has: every user is read (seconds with millions)."
)
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
PHONE = re.compile(r"\+?\d{6,15}")


def exact_term(term: str) -> tuple[str | None, str | None] | None:
    """(email, phone) when the term is a whole e-mail address or phone number, else None."""
    term = term.strip()
    if EMAIL.fullmatch(term):
        return term, None
    if PHONE.fullmatch(term):
        return None, term.lstrip("+")
    return None


def users_by_exact_contact(email: str | None, phone: str | None) -> list[uuid.UUID]:
    with connection().cursor() as cursor:
        cursor.execute(query("users_by_exact_contact"), {"email": email, "phone": phone})
        return [row["id"] for row in fetch_all(cursor)]
