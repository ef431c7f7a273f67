"""Checks on the environment that settings.py reads, with one-line messages."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


class ConfigurationError(ImproperlyConfigured):
    """A setting is missing or wrong; the message is one line meant for the operator."""


SUPABASE_HINT = (
    "SUPABASE_URL and an API key (the secret key sb_secret_..., or the legacy service_role "
    "key) are not enough: usersync talks to PostgreSQL "
    "directly. Set DATABASE_URL to the connection string from the Supabase dashboard "
    "(Connect > Connection string: the direct connection on port 5432, or the session "
    "pooler), e.g. postgresql://postgres:PASSWORD@db.PROJECT.supabase.co:5432/postgres"
)

PLACEHOLDER_SECRET_KEYS = {"", "change-me", "changeme", "secret", "django-insecure"}


def require_secret_key(secret_key: str, development_mode: bool, development_key: Path) -> str:
    """Outside development mode a real SECRET_KEY is required; in it, a weak or missing
    one is replaced by this checkout's own (development_secret_key)."""
    weak = is_weak_secret_key(secret_key)
    if weak and development_mode:
        return development_secret_key(development_key)
    if weak:
        raise ConfigurationError(
            "SECRET_KEY is missing or too weak (50+ random characters); set it in the "
            "environment or .env, or set ENABLE_DEVELOPMENT_MODE=true for local use"
        )
    return secret_key


def development_secret_key(path: Path) -> str:
    """Development mode without a real SECRET_KEY: one generated for this checkout,
    kept in `path` (git-ignored, readable by its owner only) and reused from then on,
    never a constant anyone could read in the source."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    key = secrets.token_urlsafe(50)
    try:
        # O_EXCL: of two processes starting at once, one writes and both read its key.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(descriptor, "w") as file:
        file.write(key + "\n")
    return key


def is_weak_secret_key(secret_key: str) -> bool:
    # Django's own deploy check (security.W009) asks for 50+ characters, 5+ distinct.
    return (
        secret_key.strip().lower() in PLACEHOLDER_SECRET_KEYS
        or len(secret_key) < 50
        or len(set(secret_key)) < 5
        or secret_key.startswith("django-insecure-")
    )


def refuse_supabase_api_only(database_url: str | None, supabase_url: str | None) -> None:
    if not database_url and supabase_url:
        raise ConfigurationError(SUPABASE_HINT)
