"""What a profile gets from auth data, written once (usersync.profile_defaults and
usersync.profile_sync), and the triggers v2 that read it as the sync does."""

from django.db import migrations

from usersync.db.operations import RunSQLFile


class Migration(migrations.Migration):
    dependencies = [("usersync", "0006_staff_link_user_across_databases")]

    operations = [RunSQLFile("profile_rules.v1"), RunSQLFile("profile_trigger.v2")]
