"""Indexes for the staff admin's profile list (migrations_sql/admin_indexes.v1.sql)."""

from django.db import migrations

from usersync.db.operations import RunSQLFile


class Migration(migrations.Migration):
    dependencies = [("usersync", "0004_staff_links")]

    operations = [RunSQLFile("admin_indexes.v1")]
