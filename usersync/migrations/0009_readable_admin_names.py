"""Staff-readable names: audit actions as choices, plurals that read right (no SQL)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("usersync", "0008_access_token_hook"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="adminauditlog",
            options={
                "verbose_name": "admin audit entry",
                "verbose_name_plural": "admin audit entries",
            },
        ),
        migrations.AlterModelOptions(
            name="chaterrorlog",
            options={"verbose_name": "chat error", "verbose_name_plural": "chat errors"},
        ),
        migrations.AlterModelOptions(
            name="useractivitylog",
            options={"verbose_name": "user activity", "verbose_name_plural": "user activities"},
        ),
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
                ],
                max_length=50,
            ),
        ),
    ]
