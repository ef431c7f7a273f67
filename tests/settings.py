"""Test settings: the project's settings in development mode, with fast password hashing."""

import os

os.environ.setdefault("ENABLE_DEVELOPMENT_MODE", "true")
os.environ.setdefault("SECRET_KEY", "usersync-tests-only-" + "k9Xq" * 12)

from project.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
