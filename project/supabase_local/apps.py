from django.apps import AppConfig


class SupabaseLocalConfig(AppConfig):
    """The local Supabase stand-in: an `auth` schema and roles for a plain PostgreSQL."""

    name = "project.supabase_local"
    label = "supabase_local"
    verbose_name = "Local Supabase stand-in"
