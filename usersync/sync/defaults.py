"""The role of a new profile, in the database: the triggers, the access token hook and
the sync read it there (usersync.default_role()), since the database cannot read
Django's settings. usersync writes USERSYNC_DEFAULT_ROLE there after every migrate and
before every sync, and verify_migration reports a difference.

A default equal to the admin role is refused where it is used and stored, not only by
the system check usersync.E005 (gunicorn and `manage.py shell` run no checks), and the
database refuses to store it too (a CHECK on usersync.profile_settings)."""

from __future__ import annotations

from usersync.conf import conf
from usersync.db.connection import alias, atomic, connection
from usersync.db.errors import database_errors
from usersync.db.rows import fetch_value
from usersync.db.sql import query
from usersync.errors import NotMigrated
from usersync.roles import default_role


def stored_default_role() -> str | None:
    """The role the database gives new profiles (the triggers, the hook, the sync)."""
    with connection().cursor() as cursor:
        cursor.execute("SELECT to_regprocedure('usersync.default_role()') IS NOT NULL")
        if not fetch_value(cursor):
            return None  # not migrated (yet, or any more)
        cursor.execute(query("stored_default_role"))
        return fetch_value(cursor)


def store_default_role() -> bool:
    """Write USERSYNC_DEFAULT_ROLE (and USERSYNC_BAN_IN_SUPABASE_AUTH) into the
    database, where the triggers and the sync read them; True if either changed. Done
    after every migrate and before every sync.
    Raises Misconfigured for an admin default, NotMigrated before migration 0016."""
    role = default_role()
    with database_errors(), atomic(), connection().cursor() as cursor:
        cursor.execute(query("default_role_guarded"))
        if not fetch_value(cursor):
            raise NotMigrated("usersync's tables are older than this version: run migrate")
        cursor.execute(query("store_default_role"), {"role": role, "admin_role": conf.ADMIN_ROLE})
        changed = bool(fetch_value(cursor))
        # USERSYNC_BAN_IN_SUPABASE_AUTH beside it (from migration 0018): whether a
        # deactivated profile without a ban is drift (usersync.user_accounts).
        cursor.execute(query("ban_setting_stored"))
        if fetch_value(cursor):
            cursor.execute(query("store_ban_setting"), {"ban": conf.BAN_IN_SUPABASE_AUTH})
            changed = bool(fetch_value(cursor)) or changed
        return changed


def store_default_role_after_migrate(using: str = "default", **kwargs) -> None:
    """post_migrate: on usersync's database, once its tables exist."""
    if using == alias() and stored_default_role() is not None and _guarded():
        store_default_role()


def _guarded() -> bool:
    """Whether the database has the admin_role column (migrated to 0016 or later)."""
    with connection().cursor() as cursor:
        cursor.execute(query("default_role_guarded"))
        return bool(fetch_value(cursor))
