"""Sign-ins reach the profile: profile_rules.v4 (a profile's last_login becomes the later
of its own and auth.users.last_sign_in_at, for the triggers and the sync's drift repair
alike) and the trigger on_auth_user_signed_in (signin_trigger.v1), which moves it at
every sign-in and never fails one."""

from __future__ import annotations

from django.db import migrations

from usersync.db.operations import RunSQLFile


class Migration(migrations.Migration):
    dependencies = [("usersync", "0014_profile_rules_once")]

    operations = [
        RunSQLFile("profile_rules.v4", reverse_reapplies="profile_rules.v3"),
        RunSQLFile("signin_trigger.v1"),
    ]
