"""The last exact count of users and profiles, kept for GET /health
(migrations_sql/status_counts.v1.sql)."""

from django.db import migrations

from usersync.db.operations import RunSQLFile


class Migration(migrations.Migration):
    dependencies = [("usersync", "0011_profile_rules_physical_walk")]

    operations = [RunSQLFile("status_counts.v1")]
