"""Keeps Django's own tables out of reach of Supabase's anon and authenticated roles."""

from __future__ import annotations

from django.apps import apps
from django.db import connections, router, transaction

from usersync.db.connection import alias
from usersync.db.sql import migration_sql

# usersync's own tables have their own row level security (row_level_security.v1.sql).
USERSYNC_TABLES = {"user_profiles", "user_activity_log", "admin_audit_log", "chat_error_log"}


def django_table_names(using: str | None = None) -> list[str]:
    """Tables in public that Django's own and third-party apps create in the database
    `using` (default: usersync's), as the database routers decide."""
    using = using or alias()
    names = {"django_migrations"}  # the migration recorder's table has no model
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if (
            model._meta.managed
            and "." not in table
            and table not in USERSYNC_TABLES
            and router.allow_migrate_model(using, model)
        ):
            names.add(table)
    return sorted(names)


def lock_down_django_tables(using: str | None = None, **kwargs) -> None:
    """post_migrate: enable RLS with a deny policy and revoke the API roles' grants.

    Only a Supabase database is served by its REST API: the SQL does nothing where
    there is no auth.users, and a database that is not PostgreSQL (e.g. a SQLite
    default beside a Supabase alias) is skipped."""
    using = using or alias()
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('usersync.django_tables', %s, true)",
            [",".join(django_table_names(using))],
        )
        cursor.execute(migration_sql("lock_down_django_tables"))
