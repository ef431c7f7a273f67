"""usersync's settings, each with its one default. Read here and nowhere else.

A project sets any of them in its Django settings as ``USERSYNC_<NAME>``, e.g.
``USERSYNC_DATABASE = "supabase"``; anything it does not set keeps the default below.
Values are read on every access, so ``override_settings`` and pytest-django's
``settings`` fixture take effect at once. ``usersync.checks`` validates them.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

PREFIX = "USERSYNC_"

DEFAULTS: dict[str, Any] = {
    # The DATABASES alias of the Supabase database (auth.users and usersync's tables).
    # Django's own tables stay wherever the project keeps them; see usersync.routers.
    "DATABASE": "default",
    # The roles a profile may hold, the role new profiles get, and the role whose active
    # holders may use the user-management API (of whom one must always remain).
    "ALLOWED_ROLES": ["user", "admin"],
    "DEFAULT_ROLE": "user",
    "ADMIN_ROLE": "admin",
    # Auth users per sync batch transaction. Measured with PostgreSQL's default 128 MB
    # shared_buffers: a batch of 5,000 wrote for a median 0.2 s at a million users and
    # 0.53 s at ten million, whose indexes no longer fit; 2,500 keeps it under 0.5 s.
    "SYNC_BATCH_SIZE": 2_500,
    # Longest a single usersync statement may run (seconds) before it is cancelled.
    "STATEMENT_TIMEOUT": 30,
    # A sync's lease on "the one running sync" expires this long after its heartbeat.
    "LEASE_SECONDS": 60,
    # Rolling back usersync's migrations refuses to drop profile rows unless this is set.
    "ALLOW_DATA_LOSS": False,
    # The local Supabase stand-in (usersync.contrib.supabase_local) does nothing when set.
    "DISABLE_BOOTSTRAP": False,
    # Each health check's time limit, and how long the public /health and /metrics may
    # reuse a full count (a count over a million users costs about a second).
    "HEALTH_TIME_LIMIT_SECONDS": 5.0,
    "STATUS_CACHE_SECONDS": 15,
    # How long /health and /dashboard/health-check answer from the last measurement
    # (in each worker process's memory) before asking the database again (0: never).
    "HEALTH_CACHE_SECONDS": 2,
    # A monitoring system's bearer token for the staff health URL and /metrics.
    "MONITORING_TOKEN": "",
    # Supabase access tokens: the project's JWT secret (HS256, legacy) and/or its JWKS
    # (asymmetric signing keys) by https URL or inline JSON; the audience, and the issuer
    # (e.g. https://PROJECT.supabase.co/auth/v1; empty: not checked).
    "JWT_SECRET": "",
    "JWKS_URL": "",
    "JWKS": "",
    "JWT_AUDIENCE": "authenticated",
    "JWT_ISSUER": "",
    # How long keys fetched from JWKS_URL are used: a key the auth server stops
    # publishing stops verifying within this many seconds.
    "JWKS_CACHE_SECONDS": 300,
    # Deactivating a profile also bans the user in Supabase Auth (auth.users.banned_until),
    # so the auth service itself refuses them, with or without the access token hook;
    # reactivating lifts that ban (only the one usersync set). See usersync.auth_bans.
    "BAN_IN_SUPABASE_AUTH": True,
    # The application integration writes last_login at most this often per user (s).
    "LAST_LOGIN_INTERVAL_SECONDS": 300,
    # POST /api/chat-errors refuses larger bodies, and more entries per user than these
    # in any minute or 24 hours (429). With anonymous sign-ins on, anyone can get a token:
    # the defaults bound one token to about 1.6 MB a day.
    "CHAT_ERROR_MAX_BYTES": 16_384,
    "CHAT_ERROR_PER_MINUTE": 10,
    "CHAT_ERROR_PER_DAY": 100,
}


class Conf:
    """``conf.DATABASE`` is ``settings.USERSYNC_DATABASE`` or its default."""

    DATABASE: str
    ALLOWED_ROLES: list[str]
    DEFAULT_ROLE: str
    ADMIN_ROLE: str
    SYNC_BATCH_SIZE: int
    STATEMENT_TIMEOUT: int
    LEASE_SECONDS: int
    ALLOW_DATA_LOSS: bool
    DISABLE_BOOTSTRAP: bool
    HEALTH_TIME_LIMIT_SECONDS: float
    STATUS_CACHE_SECONDS: int
    HEALTH_CACHE_SECONDS: int
    MONITORING_TOKEN: str
    JWT_SECRET: str
    JWKS_URL: str
    JWKS: str
    JWT_AUDIENCE: str
    JWT_ISSUER: str
    JWKS_CACHE_SECONDS: int
    BAN_IN_SUPABASE_AUTH: bool
    LAST_LOGIN_INTERVAL_SECONDS: int
    CHAT_ERROR_MAX_BYTES: int
    CHAT_ERROR_PER_MINUTE: int
    CHAT_ERROR_PER_DAY: int

    def __getattr__(self, name: str) -> Any:
        if name not in DEFAULTS:
            raise AttributeError(f"usersync has no setting {name!r}")
        return getattr(settings, PREFIX + name, DEFAULTS[name])


conf = Conf()
