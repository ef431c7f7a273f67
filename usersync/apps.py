from __future__ import annotations

from django.apps import AppConfig


class UsersyncConfig(AppConfig):
    name = "usersync"
    verbose_name = "User synchronisation"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.conf import settings
        from django.core.checks import Tags, register
        from django.db.models.signals import post_delete, post_migrate, pre_migrate

        from usersync import checks
        from usersync.checks import display_fields as display_checks
        from usersync.checks import tokens as token_checks
        from usersync.checks.database import check_transaction_pooler
        from usersync.db.lockdown import lock_down_django_tables
        from usersync.db.operations import guard_planned_rollback
        from usersync.staff.identity import forget_deleted_user
        from usersync.sync.defaults import store_default_role_after_migrate
        from usersync.sync.display_fields import install_after_migrate

        # Each receives the database being migrated as `using`.
        pre_migrate.connect(guard_planned_rollback, sender=self)
        post_migrate.connect(lock_down_django_tables, sender=self)
        post_migrate.connect(store_default_role_after_migrate, sender=self)
        post_migrate.connect(install_after_migrate, sender=self)
        post_delete.connect(forget_deleted_user, sender=settings.AUTH_USER_MODEL)
        # Settings only: none of them touches the database (no "database" tag).
        for check in checks.CHECKS:
            register(check, checks.TAG)
        register(token_checks.check_keys_configured, checks.TAG, Tags.security, deploy=True)
        register(check_transaction_pooler, checks.TAG)
        register(token_checks.check_sessions_table, checks.TAG, Tags.database)
        register(display_checks.check_display_fields, checks.TAG)
        register(display_checks.check_display_columns, checks.TAG, Tags.database)
