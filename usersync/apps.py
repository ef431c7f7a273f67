from django.apps import AppConfig


class UsersyncConfig(AppConfig):
    name = "usersync"
    verbose_name = "User synchronisation"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.core import checks
        from django.db.models.signals import post_migrate, pre_migrate

        from usersync.checks_database import check_transaction_pooler
        from usersync.db.lockdown import lock_down_django_tables
        from usersync.db.operations import guard_planned_rollback

        pre_migrate.connect(guard_planned_rollback, sender=self)
        post_migrate.connect(lock_down_django_tables, sender=self)
        checks.register(check_transaction_pooler, "usersync")
