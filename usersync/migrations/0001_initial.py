"""usersync's tables (created by migrations_sql/usersync_tables.v1.sql) and their models."""

import uuid

import django.db.models.deletion
from django.db import migrations, models

from usersync.db.operations import RunSQLFile, require_supabase_auth


class Migration(migrations.Migration):
    initial = True

    dependencies: list = []

    operations = [
        migrations.RunPython(require_supabase_auth, migrations.RunPython.noop, elidable=False),
        migrations.SeparateDatabaseAndState(
            database_operations=[
                RunSQLFile(
                    "usersync_tables.v1",
                    guard_tables=(
                        "public.user_profiles",
                        "public.user_activity_log",
                        "public.admin_audit_log",
                        "public.chat_error_log",
                        "usersync.sync_runs",
                        "usersync.trigger_failures",
                    ),
                ),
            ],
            state_operations=[
                migrations.CreateModel(
                    name="AuthUser",
                    fields=[
                        ("id", models.UUIDField(primary_key=True, serialize=False)),
                        ("aud", models.CharField(max_length=255, null=True)),
                        ("role", models.CharField(max_length=255, null=True)),
                        ("email", models.CharField(max_length=255, null=True)),
                        ("phone", models.TextField(null=True)),
                        ("email_confirmed_at", models.DateTimeField(null=True)),
                        ("phone_confirmed_at", models.DateTimeField(null=True)),
                        ("confirmed_at", models.DateTimeField(null=True)),
                        ("last_sign_in_at", models.DateTimeField(null=True)),
                        ("raw_app_meta_data", models.JSONField(null=True)),
                        ("raw_user_meta_data", models.JSONField(null=True)),
                        ("is_super_admin", models.BooleanField(null=True)),
                        ("created_at", models.DateTimeField(null=True)),
                        ("updated_at", models.DateTimeField(null=True)),
                        ("banned_until", models.DateTimeField(null=True)),
                        ("is_sso_user", models.BooleanField(default=False)),
                        ("is_anonymous", models.BooleanField(default=False)),
                        ("deleted_at", models.DateTimeField(null=True)),
                    ],
                    options={
                        "verbose_name": "auth user",
                        "db_table": '"auth"."users"',
                        "ordering": ("id",),
                        "managed": False,
                    },
                ),
                migrations.CreateModel(
                    name="AdminAuditLog",
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
                        ("actor", models.CharField(max_length=150)),
                        ("actor_user_id", models.UUIDField(null=True)),
                        ("action", models.CharField(max_length=50)),
                        ("target_user_id", models.UUIDField(null=True)),
                        ("old_values", models.JSONField(null=True)),
                        ("new_values", models.JSONField(null=True)),
                        ("reason", models.TextField(null=True)),
                        ("details", models.JSONField(default=dict)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                    ],
                    options={
                        "verbose_name": "admin audit entry",
                        "verbose_name_plural": "admin audit log",
                        "db_table": "admin_audit_log",
                    },
                ),
                migrations.CreateModel(
                    name="ChatErrorLog",
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
                        ("user_id", models.UUIDField(null=True)),
                        ("error_type", models.CharField(max_length=100)),
                        ("message", models.TextField()),
                        ("context", models.JSONField(default=dict)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                    ],
                    options={
                        "verbose_name": "chat error",
                        "verbose_name_plural": "chat error log",
                        "db_table": "chat_error_log",
                    },
                ),
                migrations.CreateModel(
                    name="SyncRun",
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
                        ("started_at", models.DateTimeField(auto_now_add=True)),
                        ("finished_at", models.DateTimeField(null=True)),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("running", "Running"),
                                    ("succeeded", "Succeeded"),
                                    ("failed", "Failed"),
                                    ("interrupted", "Interrupted"),
                                ],
                                default="running",
                                max_length=20,
                            ),
                        ),
                        ("preserve", models.BooleanField(default=True)),
                        ("batch_size", models.IntegerField()),
                        ("batches", models.IntegerField(default=0)),
                        ("created", models.IntegerField(default=0)),
                        ("filled", models.IntegerField(default=0)),
                        ("reset", models.IntegerField(default=0)),
                        ("triggered_by", models.CharField(max_length=150)),
                        ("host", models.CharField(default="", max_length=255)),
                        ("pid", models.IntegerField(null=True)),
                        ("error", models.TextField(default="")),
                    ],
                    options={
                        "db_table": '"usersync"."sync_runs"',
                    },
                ),
                migrations.CreateModel(
                    name="TriggerFailure",
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
                        ("user_id", models.UUIDField()),
                        ("occurred_at", models.DateTimeField(auto_now_add=True)),
                        ("source", models.CharField(max_length=50)),
                        ("sqlstate", models.CharField(max_length=5)),
                        ("message", models.TextField()),
                        ("resolved_at", models.DateTimeField(null=True)),
                    ],
                    options={
                        "db_table": '"usersync"."trigger_failures"',
                    },
                ),
                migrations.CreateModel(
                    name="UserActivityLog",
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
                        ("user_id", models.UUIDField(null=True)),
                        ("activity_type", models.CharField(max_length=50)),
                        ("details", models.JSONField(default=dict)),
                        ("ip_address", models.GenericIPAddressField(null=True)),
                        ("user_agent", models.CharField(max_length=500, null=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                    ],
                    options={
                        "verbose_name": "user activity",
                        "verbose_name_plural": "user activity log",
                        "db_table": "user_activity_log",
                    },
                ),
                migrations.CreateModel(
                    name="UserProfile",
                    fields=[
                        (
                            "id",
                            models.UUIDField(
                                default=uuid.uuid4,
                                editable=False,
                                primary_key=True,
                                serialize=False,
                            ),
                        ),
                        ("role", models.CharField(default="user", max_length=50)),
                        ("is_active", models.BooleanField(default=True, null=True)),
                        ("last_login", models.DateTimeField(blank=True, null=True)),
                        ("deactivated_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "deactivation_reason",
                            models.CharField(blank=True, max_length=255, null=True),
                        ),
                        ("sso_provider", models.CharField(blank=True, max_length=50, null=True)),
                        ("sso_user_id", models.CharField(blank=True, max_length=255, null=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True, null=True)),
                        ("updated_at", models.DateTimeField(auto_now=True, null=True)),
                        (
                            "deactivated_by",
                            models.ForeignKey(
                                blank=True,
                                db_column="deactivated_by",
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="usersync.authuser",
                            ),
                        ),
                        (
                            "user",
                            models.OneToOneField(
                                db_column="user_id",
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="profile",
                                to="usersync.authuser",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "user profile",
                        "db_table": "user_profiles",
                    },
                ),
            ],
        ),
    ]
