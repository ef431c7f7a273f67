"""Staff links (created by migrations_sql/staff_links.v1.sql) and the admin's proxy
model of auth users without a profile (state only)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from usersync.db.operations import RunSQLFile


class Migration(migrations.Migration):
    dependencies = [
        ("usersync", "0003_profile_trigger"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="UserWithoutProfile",
            fields=[],
            options={
                "verbose_name": "auth user without a profile",
                "verbose_name_plural": "auth users without a profile",
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("usersync.authuser",),
        ),
        migrations.SeparateDatabaseAndState(
            # References Django's auth_user: made by migrate, never by the Supabase CLI.
            database_operations=[
                RunSQLFile("staff_links.v1", guard_tables=("public.usersync_staff_links",))
            ],
            state_operations=[
                migrations.CreateModel(
                    name="StaffLink",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "auth_user",
                            models.OneToOneField(
                                db_column="auth_user_id",
                                db_constraint=False,
                                limit_choices_to={"deleted_at__isnull": True},
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="staff_link",
                                to="usersync.authuser",
                            ),
                        ),
                        (
                            "user",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="usersync_link",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "staff link",
                        "db_table": "usersync_staff_links",
                    },
                ),
            ],
        ),
    ]
