"""Test settings: the project's settings in development mode, with fast password hashing,
and Django REST framework for usersync.contrib.drf's tests (tests/urls.py)."""

import os

os.environ.setdefault("ENABLE_DEVELOPMENT_MODE", "true")
os.environ.setdefault("SECRET_KEY", "usersync-tests-only-" + "k9Xq" * 12)

from project.settings import *  # noqa: F403
from tests.tokens import JWT_SECRET, MONITORING_TOKEN

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

USERSYNC_JWT_SECRET = JWT_SECRET
USERSYNC_JWKS_URL = ""
USERSYNC_JWKS = ""
USERSYNC_JWT_ISSUER = ""
USERSYNC_MONITORING_TOKEN = MONITORING_TOKEN
# Fresh counts on every request; tests/test_health.py turns the cache on where it tests it.
USERSYNC_STATUS_CACHE_SECONDS = 0
# Every health request measured afresh; tests/test_health_window.py tests the window.
USERSYNC_HEALTH_CACHE_SECONDS = 0

INSTALLED_APPS = [*INSTALLED_APPS, "rest_framework"]  # noqa: F405
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "usersync.contrib.drf.authentication.SupabaseAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["usersync.contrib.drf.permissions.IsActiveProfile"],
}
