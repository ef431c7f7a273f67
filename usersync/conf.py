"""usersync's settings, each declared once here with its type and default, and read
here and nowhere else.

A project sets any of them in its Django settings as ``USERSYNC_<NAME>``, e.g.
``USERSYNC_DATABASE = "supabase"``; anything it does not set keeps the default below.
Values are read on every access (from ``django.conf.settings``), so ``override_settings``
and pytest-django's ``settings`` fixture take effect at once. ``usersync.checks``
validates them.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from django.conf import settings

PREFIX = "USERSYNC_"
T = TypeVar("T")


class Setting(Generic[T]):
    """One setting: ``settings.USERSYNC_<NAME>``, else its default."""

    def __init__(self, default: T):
        self.default = default

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: object, owner: type | None = None) -> T:
        return getattr(settings, PREFIX + self.name, self.default)


class Conf:
    """``conf.DATABASE`` is ``settings.USERSYNC_DATABASE`` or its default."""

    # The DATABASES alias of the Supabase database (auth.users and usersync's tables).
    # Django's own tables stay wherever the project keeps them; see usersync.routers.
    DATABASE: Setting[str] = Setting("default")
    # The roles a profile may hold, the role new profiles get, and the role whose active
    # holders may use the user-management API (of whom one must always remain).
    ALLOWED_ROLES: Setting[list[str]] = Setting(["user", "admin"])
    DEFAULT_ROLE: Setting[str] = Setting("user")
    ADMIN_ROLE: Setting[str] = Setting("admin")
    # Auth users per sync batch transaction. Measured with PostgreSQL's default 128 MB
    # shared_buffers: a batch of 5,000 wrote for a median 0.2 s at a million users and
    # 0.53 s at ten million, whose indexes no longer fit; 2,500 keeps it under 0.5 s.
    SYNC_BATCH_SIZE: Setting[int] = Setting(2_500)
    # A sync probes for fields to fill only the users written since the last completed
    # sync (its watermark), and checks every user once the last full check began longer
    # ago than this (seconds; 0: every sync is full).
    FULL_SYNC_AFTER_SECONDS: Setting[int] = Setting(7 * 24 * 3600)
    # Longest a single usersync statement may run (seconds) before it is cancelled.
    STATEMENT_TIMEOUT: Setting[int] = Setting(30)
    # A sync's lease on "the one running sync" expires this long after its heartbeat.
    LEASE_SECONDS: Setting[int] = Setting(60)
    # Rolling back usersync's migrations refuses to drop profile rows unless this is set.
    ALLOW_DATA_LOSS: Setting[bool] = Setting(False)
    # The local Supabase stand-in (usersync.contrib.supabase_local) does nothing when set.
    DISABLE_BOOTSTRAP: Setting[bool] = Setting(False)
    # Each health check's time limit, and how long the public /health and /metrics may
    # reuse a full count (a count over a million users costs about a second).
    HEALTH_TIME_LIMIT_SECONDS: Setting[float] = Setting(5.0)
    STATUS_CACHE_SECONDS: Setting[int] = Setting(15)
    # How long /health and /dashboard/health-check answer from the last measurement
    # (in each worker process's memory) before asking the database again (0: never).
    HEALTH_CACHE_SECONDS: Setting[int] = Setting(2)
    # A monitoring system's bearer token for the staff health URL and /metrics.
    MONITORING_TOKEN: Setting[str] = Setting("")
    # The Supabase project's URL (https://PROJECT.supabase.co): the JWKS URL
    # (<url>/auth/v1/.well-known/jwks.json) and the issuer (<url>/auth/v1) derive from it,
    # and with it set the issuer is always checked. JWKS_URL / JWT_ISSUER, when set, win.
    SUPABASE_URL: Setting[str] = Setting("")
    # Supabase access tokens: the project's JWT secret (HS256, legacy) and/or its JWKS
    # (asymmetric signing keys) by https URL or inline JSON; the audience, and the issuer
    # (e.g. https://PROJECT.supabase.co/auth/v1; empty: not checked unless SUPABASE_URL).
    JWT_SECRET: Setting[str] = Setting("")
    JWKS_URL: Setting[str] = Setting("")
    JWKS: Setting[str] = Setting("")
    JWT_AUDIENCE: Setting[str] = Setting("authenticated")
    JWT_ISSUER: Setting[str] = Setting("")
    # How long keys fetched from JWKS_URL are used: a key the auth server stops
    # publishing stops verifying within this many seconds.
    JWKS_CACHE_SECONDS: Setting[int] = Setting(300)
    # Deactivating a profile also bans the user in Supabase Auth (auth.users.banned_until),
    # so the auth service itself refuses them, with or without the access token hook;
    # reactivating lifts that ban (only the one usersync set). See usersync.supabase_auth.bans.
    BAN_IN_SUPABASE_AUTH: Setting[bool] = Setting(True)
    # Display fields (opt-in): profile columns your project adds with its own migration,
    # kept equal to auth data: {column: source}, the source "email", "phone",
    # "user_metadata.<key>" or "app_metadata.<key>". Installed as SQL at migrate time
    # (usersync.sync.display_fields); see docs/display-fields.md.
    DISPLAY_FIELDS: Setting[dict[str, str]] = Setting({})
    # The application integration writes last_login at most this often per user (s).
    LAST_LOGIN_INTERVAL_SECONDS: Setting[int] = Setting(300)
    # A token whose session_id no longer exists in auth.sessions (signed out, or ended by
    # a deactivation) is refused with 401, as the auth service refuses it; a token without
    # session_id is not checked unless REQUIRE_SESSION_ID. Checked in the statement that
    # reads the account (one primary-key probe).
    CHECK_SESSIONS: Setting[bool] = Setting(True)
    REQUIRE_SESSION_ID: Setting[bool] = Setting(False)
    # Whether tokens Supabase Auth issued to third-party OAuth clients (claim client_id)
    # are let into the application's views (decorator, DRF). The user-management API
    # and the monitoring URLs never let them in.
    ALLOW_OAUTH_CLIENTS: Setting[bool] = Setting(False)
    # POST /api/chat-errors refuses larger bodies, and more entries per user than these
    # in any minute or 24 hours (429). With anonymous sign-ins on, anyone can get a token:
    # the defaults bound one token to about 1.6 MB a day.
    CHAT_ERROR_MAX_BYTES: Setting[int] = Setting(16_384)
    CHAT_ERROR_PER_MINUTE: Setting[int] = Setting(10)
    CHAT_ERROR_PER_DAY: Setting[int] = Setting(100)

    @property
    def supabase_auth_url(self) -> str:
        """<SUPABASE_URL>/auth/v1, where the auth service lives; "" when it is unset."""
        url = self.SUPABASE_URL
        return f"{url.strip().rstrip('/')}/auth/v1" if isinstance(url, str) and url else ""

    @property
    def jwks_url_in_use(self) -> str:
        """JWKS_URL, else the one SUPABASE_URL implies, else ""."""
        if self.JWKS_URL:
            return self.JWKS_URL
        auth = self.supabase_auth_url
        return f"{auth}/.well-known/jwks.json" if auth else ""

    @property
    def issuer_in_use(self) -> str:
        """The `iss` tokens must carry: JWT_ISSUER, else the one SUPABASE_URL implies, else
        "" (not checked)."""
        return self.JWT_ISSUER or self.supabase_auth_url


conf = Conf()

# Each setting's default, by name (what the system checks and the docs compare with).
DEFAULTS: dict[str, Any] = {
    name: value.default for name, value in vars(Conf).items() if isinstance(value, Setting)
}
