"""Whether the sign-in trigger is installed and enabled, as one view that the status and
the health URLs read beside the sign-up trigger's (migrations_sql/signin_trigger_state.v1.sql)."""

from django.db import migrations

from usersync.db.operations import RunSQLFile


class Migration(migrations.Migration):
    dependencies = [("usersync", "0021_profile_indexes")]

    operations = [RunSQLFile("signin_trigger_state.v1")]
