"""Checks on the environment that settings.py reads, with one-line messages."""

from __future__ import annotations

import difflib
import os
import secrets
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

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


# USERSYNC_ variables that are not settings: the embedded database's folder, the test
# script's matrix, the browser test's screenshots.
TOOL_VARIABLES = {"USERSYNC_PGDATA", "USERSYNC_MATRIX", "USERSYNC_SHOTS"}
BOOLS = {"true", "false", "1", "0", "yes", "no", "on", "off"}
EXPECTED = {
    bool: "true or false",
    int: "a whole number",
    float: "a number",
    list: "a comma-separated list",
    str: "text",
}


def usersync_settings_from(
    environ: Mapping[str, str], defaults: Mapping[str, Any], parsers: Mapping[type, Callable]
) -> tuple[dict[str, Any], list[str]]:
    """usersync's settings given in the environment as USERSYNC_<NAME> (the JWT/JWKS
    ones also as SUPABASE_<NAME>), parsed by their default's type; and one warning line
    per USERSYNC_ variable that names no setting. A value that does not parse is a
    ConfigurationError naming the variable and what it expects."""
    found: dict[str, Any] = {}
    for name, default in defaults.items():
        variables = [f"USERSYNC_{name}"]
        if name.startswith(("JWT", "JWKS")):
            variables.append(f"SUPABASE_{name}")
        for variable in variables:
            if variable in environ:
                try:
                    if type(default) is bool and environ[variable].strip().lower() not in BOOLS:
                        raise ValueError(environ[variable])  # django-environ reads it as false
                    found[f"USERSYNC_{name}"] = parsers[type(default)](variable)
                except (ValueError, TypeError) as error:
                    raise ConfigurationError(
                        f"{variable}={environ[variable]!r} is not {EXPECTED[type(default)]}"
                    ) from error
                break
    known = {f"USERSYNC_{name}" for name in defaults}
    unknown = {v for v in environ if v.startswith("USERSYNC_")} - known - TOOL_VARIABLES
    warnings = []
    for variable in sorted(unknown):
        near = difflib.get_close_matches(variable, known, n=1)
        hint = f" (did you mean {near[0]}?)" if near else ""
        warnings.append(f"warning: {variable} is not a usersync setting and is ignored{hint}")
    return found, warnings


DATABASE_URL_SHAPE = "postgresql://USER:PASSWORD@HOST:PORT/NAME"


def database_config(database_url: str) -> dict[str, Any]:
    """Django's DATABASES entry for DATABASE_URL, or one line saying what is wrong."""
    import environ

    try:
        config = environ.Env.db_url_config(database_url)
    except (ValueError, KeyError, TypeError) as error:
        raise ConfigurationError(
            f"DATABASE_URL is not a database URL ({error}); expected {DATABASE_URL_SHAPE}"
        ) from error
    if config.get("ENGINE") != "django.db.backends.postgresql":
        engine = str(config.get("ENGINE") or "unknown").rsplit(".", 1)[-1]
        raise ConfigurationError(
            f"DATABASE_URL must name a PostgreSQL database (postgresql://...), not {engine}"
        )
    if not config.get("NAME"):
        raise ConfigurationError(f"DATABASE_URL names no database; expected {DATABASE_URL_SHAPE}")
    return config
