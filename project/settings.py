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
    "django.contrib.admin",
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

# usersync
USERSYNC_ALLOWED_ROLES = env.list("USERSYNC_ALLOWED_ROLES", default=["user", "admin"])
# Auth users per sync batch transaction. At a million users a batch of 5,000 commits in
# about 0.2 s and stayed under 0.5 s; 10,000 saves a few percent of the total time but
# holds each transaction twice as long (docs/benchmarks.md).
USERSYNC_SYNC_BATCH_SIZE = env.int("USERSYNC_SYNC_BATCH_SIZE", default=5_000)
# A sync's lease on "the one running sync" expires this long after its last heartbeat.
USERSYNC_LEASE_SECONDS = env.int("USERSYNC_LEASE_SECONDS", default=60)
# Rolling back usersync's migrations refuses to drop profile rows unless this is set.
USERSYNC_ALLOW_DATA_LOSS = env.bool("USERSYNC_ALLOW_DATA_LOSS", default=False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}
