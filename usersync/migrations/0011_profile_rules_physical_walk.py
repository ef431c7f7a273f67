"""The profile rules' views also say where each auth.users row lies and which
transaction wrote it: the sync walks auth.users in physical order (profile_rules.v2)."""

from django.db import migrations

from usersync.db.operations import RunSQLFile


class Migration(migrations.Migration):
    dependencies = [("usersync", "0010_auth_user_unused_columns")]

    operations = [RunSQLFile("profile_rules.v2", reverse_reapplies="profile_rules.v1")]
