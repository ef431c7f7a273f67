"""Settings, read from the environment (and an optional .env file) by django-environ."""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from pathlib import Path

import environ

from project.config import (
    database_config,
    refuse_supabase_api_only,
    require_secret_key,
    usersync_settings_from,
)
from usersync.conf import DEFAULTS as usersync_defaults

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

DEVELOPMENT_MODE = env.bool("ENABLE_DEVELOPMENT_MODE", default=False)
# The demo bootstrap: the local Supabase stand-in (auth schema, roles) and demo users.
USERSYNC_DISABLE_BOOTSTRAP = env.bool("DISABLE_BOOTSTRAP", default=False)

# Development mode without one: a key generated for this checkout (git-ignored file).
SECRET_KEY = require_secret_key(
    env.str("SECRET_KEY", default=""), DEVELOPMENT_MODE, BASE_DIR / ".development_secret_key"
)
DEBUG = env.bool("DEBUG", default=DEVELOPMENT_MODE)
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEVELOPMENT_MODE else []
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # The embedded database's `embedded_db` command.
    "project",
    # The local Supabase stand-in (auth schema and roles on a plain PostgreSQL).
    "usersync.contrib.supabase_local",
    "usersync",
    # django-health-check's `health_check` command: container probes on usersync's checks
    # (`manage.py health_check usersync:health-probe --no-http`).
    "health_check",
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

# Admin login throttling with django-axes: the host's choice (usersync needs none of it).
# The AXES_FAILURE_LIMIT-th wrong password in a row for one username from one address
# locks it: that attempt is answered 429, and so is every one after it, the right
# password included, for AXES_COOLOFF_MINUTES. Attempts are kept in the axes_* tables.
INSTALLED_APPS.append("axes")
MIDDLEWARE.append("axes.middleware.AxesMiddleware")  # last, as django-axes requires
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True

ROOT_URLCONF = "project.urls"
WSGI_APPLICATION = "project.wsgi.application"
ASGI_APPLICATION = "project.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "project" / "templates"],
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
        config = database_config(database_url)
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
    # Nor server-side cursors (QuerySet.iterator()): named cursors that must stay on one
    # server connection. Off on the transaction pooler's port (usersync.W006 says why).
    config.setdefault(
        "DISABLE_SERVER_SIDE_CURSORS",
        env.bool("DATABASE_DISABLE_SERVER_SIDE_CURSORS", default=str(config.get("PORT")) == "6543"),
    )
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
SECURE_REDIRECT_EXEMPT = [r"^health$", r"^health/probe$", r"^dashboard/health-check$"]
# X-Forwarded-Proto is trusted only when the operator says a proxy sets it: otherwise
# any client could claim HTTPS.
if env.bool("BEHIND_HTTPS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=HTTPS)
# Preloading commits the whole domain, for months, in every browser: the operator's call.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS = ["security.W021"]  # "SECURE_HSTS_PRELOAD is not True"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy on every response (the admin's pages; the API's JSON): only
# this site's own scripts, styles, images and forms, never framed. Inline styles are
# allowed (the admin's templates use style attributes); inline scripts are not.
# Django 6's own middleware where there is one, django-csp on Django 5.2.
CSP_DIRECTIVES = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}
try:
    import django.middleware.csp  # noqa: F401  (Django 6)

    SECURE_CSP = CSP_DIRECTIVES
    MIDDLEWARE.insert(1, "django.middleware.csp.ContentSecurityPolicyMiddleware")
except ImportError:
    INSTALLED_APPS.append("csp")
    MIDDLEWARE.insert(1, "csp.middleware.CSPMiddleware")
    CONTENT_SECURITY_POLICY = {"DIRECTIVES": CSP_DIRECTIVES}

# usersync: any of its settings (usersync.conf) from the environment as USERSYNC_<NAME>;
# Supabase's JWT settings also under their dashboard names (SUPABASE_JWT_SECRET, ...).
# Unset ones keep usersync's defaults.
# A value that does not parse stops with one line; a USERSYNC_ variable that names no
# setting is a warning on stderr.
_PARSERS = {bool: env.bool, int: env.int, float: env.float, list: env.list, str: env.str}
_found, _unknown = usersync_settings_from(os.environ, usersync_defaults, _PARSERS)
globals().update(_found)
for _warning in _unknown:
    print(_warning, file=sys.stderr)

# The Supabase project's URL (SUPABASE_URL) is usersync's USERSYNC_SUPABASE_URL unless that
# is set: the JWKS URL and the issuer <SUPABASE_URL>/auth/v1 derive from it, and the
# issuer is then always checked.
if "USERSYNC_SUPABASE_URL" not in os.environ and env.str("SUPABASE_URL", default="").strip():
    USERSYNC_SUPABASE_URL = env.str("SUPABASE_URL").strip()

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
    # Django's own console handler would print every django.* line a second time.
    "loggers": {"django": {"handlers": [], "propagate": True}},
}
