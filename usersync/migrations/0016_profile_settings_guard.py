"""The database refuses a default role equal to the admin role
(migrations_sql/profile_settings_guard.v1.sql)."""

from django.db import migrations

from usersync.db.operations import RunSQLFile


class Migration(migrations.Migration):
    dependencies = [("usersync", "0015_signin_trigger")]

    operations = [RunSQLFile("profile_settings_guard.v1")]
