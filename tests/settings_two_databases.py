"""Django's own tables in a SQLite file, Supabase as the second alias "supabase".

The test settings with DATABASES split: "default" is the SQLite file named by
TWO_DATABASES_SQLITE (auth_user, sessions, the admin log), "supabase" is the PostgreSQL
database of DATABASE_URL (auth.users and usersync's tables, with the local stand-in).
Used by tests/test_two_databases.py through manage.py."""

import os

from tests.settings import *  # noqa: F403
from tests.settings import DATABASES

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ["TWO_DATABASES_SQLITE"],
    },
    "supabase": DATABASES["default"],
}
USERSYNC_DATABASE = "supabase"
DATABASE_ROUTERS = ["usersync.routers.UsersyncRouter"]
