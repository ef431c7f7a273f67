"""Migration operations that run the SQL files of migrations_sql/."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.db import connections, router
from django.db.migrations.operations import RunSQL

from usersync.conf import conf
from usersync.db.rollback_privileges import refuse_without_ownership
from usersync.db.rows import fetch_value
from usersync.db.sql import migration_sql, query

# Tables whose rows are not all data: how to count the ones a rollback would lose.
GUARD_COUNT_QUERIES = {"usersync.access_token_hook_settings": "guard_hook_settings"}


class RunSQLFile(RunSQL):
    """RunSQL with `migrations_sql/<name>.sql` forward and `<name>.reverse.sql` backward.

    Each file runs as one statement string (psycopg sends it whole), so dollar-quoted
    function bodies are never split. `guard_tables`: reversing refuses while any of
    them holds rows, unless conf.ALLOW_DATA_LOSS is true. `reverse_reapplies`: a
    version this one replaced, applied again after the reverse (e.g. views that lose a
    column can only be dropped and made again as they were).
    """

    # Whether a planned rollback first checks the role owns what the reverse undoes.
    checks_ownership = True

    def __init__(
        self,
        name: str,
        guard_tables: tuple[str, ...] = (),
        reverse_reapplies: str | None = None,
        **kwargs,
    ):
        self.name = name
        self.guard_tables = tuple(guard_tables)
        self.reverse_reapplies = reverse_reapplies
        reverse = [migration_sql(f"{name}.reverse")]
        if reverse_reapplies:
            reverse.append(migration_sql(reverse_reapplies))
        super().__init__(sql=[migration_sql(name)], reverse_sql=reverse, **kwargs)

    def deconstruct(self):
        kwargs = {"name": self.name}
        if self.guard_tables:
            kwargs["guard_tables"] = self.guard_tables
        if self.reverse_reapplies:
            kwargs["reverse_reapplies"] = self.reverse_reapplies
        return (self.__class__.__qualname__, [], kwargs)

    def describe(self) -> str:
        return f"Run migrations_sql/{self.name}.sql"

    def runs_on(self, using: str, app_label: str) -> bool:
        """Whether the database routers let this operation run on the database `using`."""
        return router.allow_migrate(using, app_label, **self.hints)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if not self.runs_on(schema_editor.connection.alias, app_label):
            return
        if self.guard_tables and not conf.ALLOW_DATA_LOSS:
            refuse_to_drop_rows(schema_editor.connection, self.guard_tables)
        super().database_backwards(app_label, schema_editor, from_state, to_state)


def guard_planned_rollback(plan=None, using: str = "default", **kwargs) -> None:
    """pre_migrate: refuse a plan that unapplies a guarded migration, or one whose reverse
    SQL the connected role may not run, before any step runs, so a refused rollback
    leaves nothing half-undone. Only where the operation runs: on a database that holds
    none of usersync's tables, unapplying it drops nothing."""
    for migration, backwards in plan or ():
        if not backwards:
            continue
        for operation in migration.operations:
            for inner in getattr(operation, "database_operations", [operation]):
                if not isinstance(inner, RunSQLFile) or not inner.runs_on(
                    using, migration.app_label
                ):
                    continue
                if inner.guard_tables and not conf.ALLOW_DATA_LOSS:
                    refuse_to_drop_rows(connections[using], inner.guard_tables)
                if inner.checks_ownership:
                    refuse_without_ownership(
                        connections[using], str(migration), f"{inner.name}.reverse"
                    )


def refuse_to_drop_rows(connection, tables: tuple[str, ...]) -> None:
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [table])
            if not fetch_value(cursor):
                continue
            if table in GUARD_COUNT_QUERIES:
                cursor.execute(query(GUARD_COUNT_QUERIES[table]))
            else:
                # `table` comes from the migration's own code, never from input.
                cursor.execute(f"SELECT count(*) FROM {table}")
            rows = fetch_value(cursor)
            if rows:
                raise CommandError(
                    f"refusing to drop {table}: it holds {rows} rows. Back it up, then "
                    f"rerun with USERSYNC_ALLOW_DATA_LOSS=true to drop them."
                )


class ApplyIfMissing(RunSQLFile):
    """Runs forward only when `relation` does not exist and settings allow `setting`.

    Used for the local Supabase stand-in: a real Supabase database already has
    auth.users, and USERSYNC_DISABLE_BOOTSTRAP turns the stand-in off everywhere.
    """

    # Its reverse drops only what the stand-in made (a real auth schema is left alone).
    checks_ownership = False

    def __init__(self, name: str, relation: str, disabled_by: str, **kwargs):
        self.relation = relation
        self.disabled_by = disabled_by
        super().__init__(name, **kwargs)

    def deconstruct(self):
        qualname, args, kwargs = super().deconstruct()
        kwargs.update(relation=self.relation, disabled_by=self.disabled_by)
        return qualname, args, kwargs

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if getattr(conf, self.disabled_by) or not self.runs_on(
            schema_editor.connection.alias, app_label
        ):
            return
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [self.relation])
            if fetch_value(cursor):
                return
        super().database_forwards(app_label, schema_editor, from_state, to_state)


def require_supabase_auth(apps, schema_editor) -> None:
    """usersync needs auth.users: Supabase's, or the local stand-in's."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('auth.users') IS NOT NULL")
        if not fetch_value(cursor):
            raise CommandError(
                "auth.users does not exist: this is not a Supabase database. Point the "
                f"DATABASES entry usersync uses (USERSYNC_DATABASE, here "
                f"{schema_editor.connection.alias!r}) at your Supabase project's database; "
                "or, for local development on plain PostgreSQL, add "
                '"usersync.contrib.supabase_local" to INSTALLED_APPS before "usersync" '
                "(with USERSYNC_DISABLE_BOOTSTRAP off) and migrate again: its local "
                "stand-in creates auth.users."
            )
