"""Each profile rule written once: the views of profile_rules.v3 (an account's shown
provider and whether it needs a profile, a new profile's row, what a reset changes) and
the functions that create and fill profiles, which the triggers now call
(profile_trigger.v3)."""

import django.db.models.deletion
from django.db import migrations, models

from usersync.db.operations import RunSQLFile


class Migration(migrations.Migration):
    dependencies = [("usersync", "0013_profile_trigger_state")]

    operations = [
        RunSQLFile("profile_rules.v3", reverse_reapplies="profile_rules.v2"),
        RunSQLFile("profile_trigger.v3", reverse_reapplies="profile_trigger.v2"),
        migrations.CreateModel(
            name="UserAccount",
            fields=[
                (
                    "user",
                    models.OneToOneField(
                        db_column="user_id",
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="account",
                        serialize=False,
                        to="usersync.authuser",
                    ),
                ),
                ("provider", models.TextField()),
                ("has_profile", models.BooleanField()),
                ("needs_profile", models.BooleanField()),
            ],
            options={
                "verbose_name": "auth user account",
                "db_table": '"usersync"."user_accounts"',
                "managed": False,
            },
        ),
    ]
