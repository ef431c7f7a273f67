"""Deactivated in usersync apart from banned in Supabase Auth: profile_rules.v5 (a
deactivated profile whose ban was lifted by hand is drift, while
USERSYNC_BAN_IN_SUPABASE_AUTH is on) and the stored status counts with the ban counts
(status_counts.v2)."""

from django.db import migrations, models

from usersync.db.operations import RunSQLFile


class Migration(migrations.Migration):
    dependencies = [("usersync", "0017_access_token_hook_budget")]

    operations = [
        RunSQLFile("profile_rules.v5", reverse_reapplies="profile_rules.v4"),
        RunSQLFile("status_counts.v2"),
        # The audit entry of a ban the sync set again (usersync.sync.ban_drift).
        migrations.AlterField(
            model_name="adminauditlog",
            name="action",
            field=models.CharField(
                choices=[
                    ("role_changed", "Role changed"),
                    ("deactivated", "Deactivated"),
                    ("reactivated", "Reactivated"),
                    ("profile_created", "Profile created"),
                    ("sync_run", "Sync run"),
                    ("staff_link_set", "Staff link set"),
                    ("staff_link_removed", "Staff link removed"),
                    ("audit_log_pruned", "Audit log pruned"),
                    ("supabase_auth_ban_restored", "Supabase Auth ban restored"),
                ],
                max_length=50,
            ),
        ),
    ]
