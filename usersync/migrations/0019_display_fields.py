"""Display fields (USERSYNC_DISPLAY_FIELDS): usersync.fill_display_fields, empty here and
generated from the setting after every migrate (usersync.sync.display_fields), the
trigger on_auth_user_display_changed (display_fields.v1), and the sign-up trigger
writing them too (profile_trigger.v4)."""

from django.db import migrations

from usersync.db.operations import RunSQLFile


class Migration(migrations.Migration):
    dependencies = [("usersync", "0018_supabase_auth_ban_drift")]

    operations = [
        RunSQLFile("display_fields.v1"),
        RunSQLFile("profile_trigger.v4", reverse_reapplies="profile_trigger.v3"),
    ]
