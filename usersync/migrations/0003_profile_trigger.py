"""The on_auth_user_created trigger, on its own so it can be rolled back without data."""

from django.db import migrations

from usersync.db.operations import RunSQLFile


class Migration(migrations.Migration):
    dependencies = [("usersync", "0002_row_level_security")]

    operations = [RunSQLFile("profile_trigger.v1")]
