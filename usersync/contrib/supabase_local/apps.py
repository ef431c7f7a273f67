from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import pre_migrate


class SupabaseLocalConfig(AppConfig):
    """The local Supabase stand-in, for development, demos and tests: on a plain
    PostgreSQL without an `auth` schema, its migration creates what Supabase has (the
    `auth` schema, `auth.users`, `auth.identities`, the roles). It never touches a
    database that already has `auth.users`. Not for production."""

    name = "usersync.contrib.supabase_local"
    label = "supabase_local"
    verbose_name = "Local Supabase stand-in"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Django sends pre_migrate only for apps with models, which this one has not:
        # usersync's signal comes before any migration runs, the stand-in's included.
        from django.apps import apps

        pre_migrate.connect(create_roles_before_the_standin, sender=apps.get_app_config("usersync"))


STANDIN_MIGRATION = ("supabase_local", "0001_auth_standin")


def create_roles_before_the_standin(plan=None, using: str = "default", **kwargs) -> None:
    """pre_migrate: when this migrate is about to apply the stand-in, create the auth
    service's role as Supabase now makes it (no CREATEROLE); supabase_standin.v1.sql then
    finds it. A role that exists is left exactly as it is."""
    from django.db import connections, router

    from usersync.conf import conf
    from usersync.db.sql import migration_sql

    applying = any(
        (migration.app_label, migration.name) == STANDIN_MIGRATION and not backwards
        for migration, backwards in plan or ()
    )
    if not applying or conf.DISABLE_BOOTSTRAP or not router.allow_migrate(using, "supabase_local"):
        return
    with connections[using].cursor() as cursor:
        cursor.execute(migration_sql("supabase_standin_roles.v1"))
