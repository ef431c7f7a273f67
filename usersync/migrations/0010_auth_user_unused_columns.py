"""AuthUser maps only the auth.users columns usersync uses (state only: auth.users is
Supabase's, and nothing in the database changes)."""

from django.db import migrations

UNUSED = ("aud", "role", "confirmed_at", "raw_user_meta_data", "is_super_admin", "updated_at")


class Migration(migrations.Migration):
    dependencies = [("usersync", "0009_readable_admin_names")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="authuser", name=name) for name in UNUSED
            ],
        ),
    ]
