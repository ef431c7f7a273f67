"""The incremental sync's watermark, the snapshot of the last completed sync
(migrations_sql/sync_watermark.v1.sql)."""

from django.db import migrations

from usersync.db.operations import RunSQLFile


class Migration(migrations.Migration):
    dependencies = [("usersync", "0019_display_fields")]

    operations = [RunSQLFile("sync_watermark.v1")]
