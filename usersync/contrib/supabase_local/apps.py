from django.apps import AppConfig


class SupabaseLocalConfig(AppConfig):
    """The local Supabase stand-in, for development, demos and tests: on a plain
    PostgreSQL without an `auth` schema, its migration creates what Supabase has (the
    `auth` schema, `auth.users`, `auth.identities`, the roles). It never touches a
    database that already has `auth.users`. Not for production."""

    name = "usersync.contrib.supabase_local"
    label = "supabase_local"
    verbose_name = "Local Supabase stand-in"
    default_auto_field = "django.db.models.BigAutoField"
