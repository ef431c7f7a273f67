"""user_profiles_deactivated_by_idx holds only the profiles someone deactivated: no
entry for the NULL of every other sign-up (migrations_sql/profile_indexes.v1.sql)."""

from django.db import migrations

from usersync.db.operations import RunSQLFile


class Migration(migrations.Migration):
    dependencies = [("usersync", "0020_sync_watermark")]

    operations = [RunSQLFile("profile_indexes.v1")]
