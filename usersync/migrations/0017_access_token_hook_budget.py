"""The access token hook within a worst-case time budget, and its failures kept visible
until staff acknowledge them (migrations_sql/access_token_hook.v2.sql)."""

from django.db import migrations, models

from usersync.db.operations import RunSQLFile


class Migration(migrations.Migration):
    dependencies = [("usersync", "0016_profile_settings_guard")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                RunSQLFile("access_token_hook.v2", reverse_reapplies="access_token_hook.v1")
            ],
            state_operations=[
                migrations.AddField(
                    model_name="triggerfailure",
                    name="claims",
                    field=models.JSONField(null=True),
                ),
            ],
        )
    ]
