"""Whether the profile trigger is installed and enabled, as one view that the status and
the health URLs read (migrations_sql/profile_trigger_state.v1.sql)."""

from django.db import migrations

from usersync.db.operations import RunSQLFile


class Migration(migrations.Migration):
    dependencies = [("usersync", "0012_status_counts")]

    operations = [RunSQLFile("profile_trigger_state.v1")]
