"""Settings, read from the environment (and an optional .env file) by django-environ."""

from __future__ import annotations

from pathlib import Path

import environ

from project.config import refuse_supabase_api_only, require_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

DEVELOPMENT_MODE = env.bool("ENABLE_DEVELOPMENT_MODE", default=False)
# The demo bootstrap: the local Supabase stand-in (auth schema, roles) and demo users.
DISABLE_BOOTSTRAP = env.bool("DISABLE_BOOTSTRAP", default=False)

SECRET_KEY = require_secret_key(env.str("SECRET_KEY", default=""), DEVELOPMENT_MODE)
DEBUG = env.bool("DEBUG", default=DEVELOPMENT_MODE)
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEVELOPMENT_MODE else []
)

INSTALLED_APPS = [
    # Django's admin with usersync's site (the sync status on its index page).
    "usersync.admin_config.UsersyncAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "project.supabase_local",
    "usersync",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "project.urls"
WSGI_APPLICATION = "project.wsgi.application"
ASGI_APPLICATION = "project.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _database() -> dict:
    database_url = env.str("DATABASE_URL", default="")
    refuse_supabase_api_only(database_url, env.str("SUPABASE_URL", default=""))
    if database_url:
        config = env.db_url_config(database_url)
        if config["ENGINE"] != "django.db.backends.postgresql":
            from project.config import ConfigurationError

            raise ConfigurationError(
                f"DATABASE_URL must name a PostgreSQL database (postgresql://...), "
                f"not {config['ENGINE'].rsplit('.', 1)[-1]}"
            )
    else:
        # Started (or reused) on the first connection; see project/embedded_db.py.
        config = {"ENGINE": "project.embedded_backend", "NAME": "usersync", "USER": "postgres"}
    # Keep connections between requests (a health URL polled every few seconds should not
    # pay a new connection each time); checked before reuse, so a restarted server is fine.
    config.setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
    config.setdefault("CONN_HEALTH_CHECKS", True)
    options = config.setdefault("OPTIONS", {})
    # Fail fast instead of hanging on an unreachable host.
    options.setdefault("connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5))
    # Django's default client-side binding never creates server-side prepared statements,
    # which Supabase's transaction pooler (port 6543) cannot keep.
    options.setdefault("server_side_binding", False)
    config.setdefault("TEST", {})
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# In development WhiteNoise serves straight from the apps' static folders (no collectstatic).
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = DEVELOPMENT_MODE
if not DEVELOPMENT_MODE:
    # Hashed, compressed files after `collectstatic`, served by WhiteNoise.
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

# HTTPS and cookies: strict outside development (`manage.py check --deploy` is clean).
HTTPS = env.bool("HTTPS", default=not DEVELOPMENT_MODE)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=HTTPS)
# Monitors may poll the health URLs over plain HTTP inside a private network.
SECURE_REDIRECT_EXEMPT = [r"^health$", r"^dashboard/health-check$"]
if env.bool("BEHIND_HTTPS_PROXY", default=HTTPS):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=HTTPS)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=HTTPS)
X_FRAME_OPTIONS = "DENY"

# usersync
USERSYNC_ALLOWED_ROLES = env.list("USERSYNC_ALLOWED_ROLES", default=["user", "admin"])
# Auth users per sync batch transaction. At a million users a batch of 5,000 commits in
# about 0.2 s and stayed under 0.5 s; 10,000 saves a few percent of the total time but
# holds each transaction twice as long (docs/benchmarks.md).
USERSYNC_SYNC_BATCH_SIZE = env.int("USERSYNC_SYNC_BATCH_SIZE", default=5_000)
# Longest a single usersync statement may run before it is cancelled with a clear error.
USERSYNC_STATEMENT_TIMEOUT = env.int("USERSYNC_STATEMENT_TIMEOUT", default=30)
# A sync's lease on "the one running sync" expires this long after its last heartbeat.
USERSYNC_LEASE_SECONDS = env.int("USERSYNC_LEASE_SECONDS", default=60)
# Rolling back usersync's migrations refuses to drop profile rows unless this is set.
USERSYNC_ALLOW_DATA_LOSS = env.bool("USERSYNC_ALLOW_DATA_LOSS", default=False)
# The role whose active holders may use the user-management API (and of whom at least
# one active holder must remain).
USERSYNC_ADMIN_ROLE = env.str("USERSYNC_ADMIN_ROLE", default="admin")

# Monitoring: each health check's time limit, the total for one health URL, and how
# long the public /health and /metrics may reuse a full count (they are unauthenticated
# or scraped often; a count over a million users costs about a second).
USERSYNC_HEALTH_TIME_LIMIT_SECONDS = env.float("USERSYNC_HEALTH_TIME_LIMIT_SECONDS", default=5.0)
USERSYNC_STATUS_CACHE_SECONDS = env.int("USERSYNC_STATUS_CACHE_SECONDS", default=15)
# A monitoring system's bearer token for /admin/users/health-check and /metrics.
USERSYNC_MONITORING_TOKEN = env.str("USERSYNC_MONITORING_TOKEN", default="")

# Supabase access tokens (API and the application's own views): the project's JWT
# secret (HS256) and/or its JWKS (asymmetric signing keys), by URL or inline JSON.
SUPABASE_JWT_SECRET = env.str("SUPABASE_JWT_SECRET", default="")
SUPABASE_JWKS_URL = env.str("SUPABASE_JWKS_URL", default="")
SUPABASE_JWKS = env.str("SUPABASE_JWKS", default="")
SUPABASE_JWT_AUDIENCE = env.str("SUPABASE_JWT_AUDIENCE", default="authenticated")
# e.g. https://PROJECT.supabase.co/auth/v1; empty: the issuer is not checked.
SUPABASE_JWT_ISSUER = env.str("SUPABASE_JWT_ISSUER", default="")
# The application integration writes last_login at most this often per user.
USERSYNC_LAST_LOGIN_INTERVAL_SECONDS = env.int("USERSYNC_LAST_LOGIN_INTERVAL_SECONDS", default=300)
# POST /api/chat-errors refuses larger bodies.
USERSYNC_CHAT_ERROR_MAX_BYTES = env.int("USERSYNC_CHAT_ERROR_MAX_BYTES", default=16_384)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}
