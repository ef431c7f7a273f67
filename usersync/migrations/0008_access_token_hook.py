"""The Custom Access Token hook (migrations_sql/access_token_hook.v1.sql), on its own so
it can be rolled back alone."""

from django.db import migrations

from usersync.db.operations import RunSQLFile


class Migration(migrations.Migration):
    dependencies = [("usersync", "0007_profile_rules")]

    # Its settings row (claim names, refusal message) is dropped only with consent.
    operations = [
        RunSQLFile("access_token_hook.v1", guard_tables=("usersync.access_token_hook_settings",))
    ]
