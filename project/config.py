"""Checks on the environment that settings.py reads, with one-line messages."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured


class ConfigurationError(ImproperlyConfigured):
    """A setting is missing or wrong; the message is one line meant for the operator."""


SUPABASE_HINT = (
    "SUPABASE_URL/SUPABASE_SERVICE_ROLE_KEY are not enough: usersync talks to PostgreSQL "
    "directly. Set DATABASE_URL to the connection string from the Supabase dashboard "
    "(Connect > Connection string: the direct connection on port 5432, or the session "
    "pooler), e.g. postgresql://postgres:PASSWORD@db.PROJECT.supabase.co:5432/postgres"
)

PLACEHOLDER_SECRET_KEYS = {"", "change-me", "changeme", "secret", "django-insecure"}


def require_secret_key(secret_key: str, development_mode: bool) -> str:
    """Outside development mode a real SECRET_KEY is required."""
    # Django's own deploy check (security.W009) asks for 50+ characters, 5+ distinct.
    weak = (
        secret_key.strip().lower() in PLACEHOLDER_SECRET_KEYS
        or len(secret_key) < 50
        or len(set(secret_key)) < 5
        or secret_key.startswith("django-insecure-")
    )
    if weak and not development_mode:
        raise ConfigurationError(
            "SECRET_KEY is missing or too weak (50+ random characters); set it in the "
            "environment or .env, or set ENABLE_DEVELOPMENT_MODE=true for local use"
        )
    return secret_key if not weak else "usersync-development-only-" + "x" * 40


def refuse_supabase_api_only(database_url: str | None, supabase_url: str | None) -> None:
    if not database_url and supabase_url:
        raise ConfigurationError(SUPABASE_HINT)
