"""Applying and rolling back the migrations: the stand-in only where it belongs, and
rollbacks that never drop profile data by accident."""

from __future__ import annotations

import os

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings

from usersync.db.operations import ApplyIfMissing
from usersync.models import AuthUser, UserProfile


def run_operation(operation, backwards: bool = False) -> None:
    with connection.schema_editor() as editor:
        if backwards:
            operation.database_backwards("supabase_local", editor, None, None)
        else:
            operation.database_forwards("supabase_local", editor, None, None)


def auth_schema_comment() -> str | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT obj_description('auth'::regnamespace, 'pg_namespace')")
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_standin__is_not_applied_when_auth_users_exists(auth_user_factory):
    user = auth_user_factory()
    with connection.cursor() as cursor:
        cursor.execute("COMMENT ON SCHEMA auth IS 'a real Supabase auth schema'")
    run_operation(
        ApplyIfMissing(
            "supabase_standin.v1", relation="auth.users", disabled_by="DISABLE_BOOTSTRAP"
        )
    )
    assert auth_schema_comment() == "a real Supabase auth schema"
    assert AuthUser.objects.filter(pk=user.pk).exists()


@pytest.mark.django_db
def test_standin_reverse__leaves_an_auth_schema_it_did_not_make(auth_user_factory):
    user = auth_user_factory()
    with connection.cursor() as cursor:
        cursor.execute("COMMENT ON SCHEMA auth IS 'a real Supabase auth schema'")
    run_operation(
        ApplyIfMissing(
            "supabase_standin.v1", relation="auth.users", disabled_by="DISABLE_BOOTSTRAP"
        ),
        backwards=True,
    )
    assert AuthUser.objects.filter(pk=user.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_rollback_of_usersync__is_refused_before_any_step_while_profiles_exist(auth_user_factory):
    auth_user_factory()
    with pytest.raises(
        CommandError, match=r"refusing to drop public.user_profiles: it holds 1 rows"
    ):
        call_command("migrate", "usersync", "zero", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname = 'on_auth_user_created'")
        assert cursor.fetchone()[0] == 1
    assert UserProfile.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_usersync_zero_then_migrate__works_and_leaves_auth_users_untouched(auth_user_factory):
    users = {auth_user_factory().pk for _ in range(3)}
    try:
        with override_settings(USERSYNC_ALLOW_DATA_LOSS=True):
            call_command("migrate", "usersync", "zero", verbosity=0)
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass('public.user_profiles'), to_regclass('auth.users')")
            assert cursor.fetchone() == (None, "auth.users")
    finally:
        call_command("migrate", verbosity=0)
    assert set(AuthUser.objects.values_list("pk", flat=True)) == users
    new_user = auth_user_factory()
    assert UserProfile.objects.filter(user_id=new_user.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_trigger_migration__rolls_back_alone_without_touching_profiles(auth_user_factory):
    user = auth_user_factory()
    try:
        call_command("migrate", "usersync", "0002", verbosity=0)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname = 'on_auth_user_created'")
            assert cursor.fetchone()[0] == 0
        assert UserProfile.objects.filter(user_id=user.pk).exists()
        orphan = auth_user_factory()
        assert not UserProfile.objects.filter(user_id=orphan.pk).exists()
    finally:
        call_command("migrate", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_access_token_hook_migration__rolls_back_alone_and_reapplies(auth_user_factory):
    user = auth_user_factory()

    def hook_objects() -> tuple:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT to_regprocedure('usersync.access_token_hook(jsonb)') IS NOT NULL, "
                "to_regclass('usersync.access_token_hook_settings') IS NOT NULL, "
                "has_schema_privilege('supabase_auth_admin', 'usersync', 'USAGE')"
            )
            return cursor.fetchone()

    try:
        call_command("migrate", "usersync", "0005", verbosity=0)
        assert hook_objects() == (False, False, False)
        assert UserProfile.objects.filter(user_id=user.pk).exists()
    finally:
        call_command("migrate", verbosity=0)
    assert hook_objects() == (True, True, True)


@pytest.mark.django_db(transaction=True)
def test_rollback_to_0002__is_refused_before_any_step_while_staff_links_exist(
    auth_user_factory, django_user_model
):
    from usersync.models import StaffLink

    staff = django_user_model.objects.create_user("linked", "linked@example.com", "pw")
    StaffLink.objects.create(user=staff, auth_user=auth_user_factory())
    with pytest.raises(
        CommandError, match=r"refusing to drop public.usersync_staff_links: it holds 1 rows"
    ):
        call_command("migrate", "usersync", "0002", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regprocedure('usersync.access_token_hook(jsonb)') IS NOT NULL")
        assert cursor.fetchone()[0]
    assert StaffLink.objects.filter(user=staff).exists()


# Tables whose rows usersync writes itself from settings: dropping them loses nothing.
WRITTEN_BY_USERSYNC = (
    "usersync.profile_settings",
    "usersync.status_counts",
    "usersync.sync_watermark",
)


def test_every_reverse_that_drops_a_table__guards_it():
    import re

    from django.db.migrations.loader import MigrationLoader

    from usersync.db.sql import migration_sql

    unguarded = []
    for (app, name), migration in MigrationLoader(None).disk_migrations.items():
        if app != "usersync":
            continue
        for operation in migration.operations:
            for inner in getattr(operation, "database_operations", [operation]):
                if not hasattr(inner, "guard_tables"):
                    continue
                reverse = migration_sql(f"{inner.name}.reverse")
                dropped = re.findall(r"DROP TABLE IF EXISTS ([\w.]+)", reverse)
                unguarded += [
                    (name, t) for t in dropped if t not in inner.guard_tables + WRITTEN_BY_USERSYNC
                ]
    assert unguarded == []


@pytest.mark.django_db(transaction=True)
def test_rollback_of_the_hook__is_refused_while_its_settings_were_changed():
    with connection.cursor() as cursor:
        cursor.execute("UPDATE usersync.access_token_hook_settings SET role_claim = 'app_role'")
    try:
        with pytest.raises(
            CommandError,
            match=r"refusing to drop usersync.access_token_hook_settings: it holds 1 rows",
        ):
            call_command("migrate", "usersync", "0005", verbosity=0)
        with connection.cursor() as cursor:
            cursor.execute("SELECT role_claim FROM usersync.access_token_hook_settings")
            assert cursor.fetchone()[0] == "app_role"
    finally:
        with connection.cursor() as cursor:
            cursor.execute("UPDATE usersync.access_token_hook_settings SET role_claim = DEFAULT")


def schema_objects() -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM pg_trigger WHERE tgname IN "
            "('on_auth_user_created', 'on_auth_identity_created', 'on_auth_user_signed_in',"
            " 'on_auth_user_display_changed')) "
            "AS triggers, "
            "to_regprocedure('usersync.access_token_hook(jsonb)') IS NOT NULL AS hook, "
            "to_regclass('public.usersync_staff_links') IS NOT NULL AS staff_links, "
            "to_regclass('usersync.profile_defaults') IS NOT NULL AS rules, "
            "to_regclass('public.user_profiles_sso_provider_idx') IS NOT NULL AS indexes"
        )
        return cursor.fetchone()


@pytest.mark.django_db(transaction=True)
def test_rollback_without_ownership_of_the_auth_tables__fails_in_one_line_changing_nothing():
    """Like Supabase's `postgres` without the platform's supautils: not a superuser, owner
    of usersync's objects (here through membership of the role that made them), all
    privileges on the auth tables, which supabase_auth_admin owns, but not ownership."""
    role = f"usersync_rollback_{os.getpid()}"
    before = schema_objects()
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} NOSUPERUSER INHERIT")
        cursor.execute(f"GRANT {connection.settings_dict['USER']} TO {role}")
        # What Supabase grants postgres on the auth tables: everything but ownership.
        cursor.execute(f"GRANT USAGE ON SCHEMA auth TO {role}")
        cursor.execute(f"GRANT ALL ON ALL TABLES IN SCHEMA auth TO {role}")
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"SET ROLE {role}")
        with pytest.raises(CommandError) as refused:
            call_command("migrate", "usersync", "0002", verbosity=0)
        message = str(refused.value)
        assert "\n" not in message
        # The first step of the rollback is the newest migration with a trigger on an
        # auth table: the display fields' trigger's.
        assert message.startswith("cannot roll back usersync.0019_display_fields: it must ")
        assert "ownership of auth.users (owned by supabase_auth_admin)" in message
        assert "Nothing was changed" in message
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
        assert schema_objects() == before
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
            cursor.execute(f"DROP OWNED BY {role}")
            cursor.execute(f"DROP ROLE {role}")
        call_command("migrate", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_rollback_of_the_signin_trigger__drops_it_and_brings_back_v3s_fill_rule():
    try:
        call_command("migrate", "usersync", "0014", verbosity=0)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT (SELECT count(*) FROM pg_trigger WHERE tgname = 'on_auth_user_signed_in'), "
                "to_regprocedure('public.sync_profile_last_login()') IS NULL, "
                "obj_description('usersync.profile_sync'::regclass, 'pg_class'), "
                "pg_get_viewdef('usersync.profile_sync') LIKE '%%COALESCE(d.profile_last_login%%'"
            )
            assert cursor.fetchone() == (0, True, "usersync profile_rules v3", True)
    finally:
        call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM pg_trigger WHERE tgname = 'on_auth_user_signed_in'), "
            "obj_description('usersync.profile_sync'::regclass, 'pg_class')"
        )
        assert cursor.fetchone() == (1, "usersync profile_rules v5")


@pytest.mark.django_db(transaction=True)
def test_rollback_of_the_ban_drift__drops_its_columns_and_brings_back_v4():
    def state() -> tuple:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT obj_description('usersync.user_accounts'::regclass, 'pg_class'), "
                "(SELECT array_agg(attname::text ORDER BY attname) FROM pg_attribute"
                "  WHERE attrelid IN ('usersync.profile_settings'::regclass,"
                "                     'usersync.status_counts'::regclass,"
                "                     'usersync.user_accounts'::regclass)"
                "    AND attname IN ('ban_in_supabase_auth', 'banned_users',"
                "                    'ban_lifted_by_hand') AND NOT attisdropped)"
            )
            return cursor.fetchone()

    try:
        call_command("migrate", "usersync", "0017", verbosity=0)
        assert state() == ("usersync profile_rules v4", None)
    finally:
        call_command("migrate", verbosity=0)
    assert state() == (
        "usersync profile_rules v5",
        ["ban_in_supabase_auth", "ban_lifted_by_hand", "ban_lifted_by_hand", "banned_users"],
    )


@pytest.mark.django_db(transaction=True)
def test_rollback_of_the_display_fields__drops_them_and_the_sign_up_trigger_is_v3s():
    def state() -> tuple:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT (SELECT count(*) FROM pg_trigger"
                "         WHERE tgname = 'on_auth_user_display_changed'),"
                " to_regprocedure('usersync.fill_display_fields(uuid[])') IS NOT NULL,"
                " obj_description('public.create_user_profile()'::regprocedure, 'pg_proc')"
            )
            return cursor.fetchone()

    try:
        call_command("migrate", "usersync", "0018", verbosity=0)
        assert state() == (0, False, "usersync profile_trigger v3")
    finally:
        call_command("migrate", verbosity=0)
    assert state() == (1, True, "usersync profile_trigger v4")


@pytest.mark.django_db
def test_standin__creates_the_auth_admin_role_without_createrole_and_alters_no_existing_role():
    from django.core.management.sql import emit_pre_migrate_signal
    from django.db import connection, transaction
    from django.db.migrations.loader import MigrationLoader

    standin = MigrationLoader(connection).graph.nodes[("supabase_local", "0001_auth_standin")]
    plan = [(standin, False)]

    def create_roles_before_the_standin(plan: list) -> None:
        """What `migrate` does before its first migration (all pre_migrate handlers)."""
        emit_pre_migrate_signal(verbosity=0, interactive=False, db="default", plan=plan)

    def createrole() -> bool | None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rolcreaterole FROM pg_roles WHERE rolname = 'supabase_auth_admin'"
            )
            row = cursor.fetchone()
        return row[0] if row else None

    with transaction.atomic():  # roles are transactional: all of it is rolled back
        with connection.cursor() as cursor:
            cursor.execute("ALTER SCHEMA auth RENAME TO auth_away")  # as before the stand-in
            cursor.execute("ALTER ROLE supabase_auth_admin CREATEROLE")
        create_roles_before_the_standin(plan=plan)
        assert createrole() is True  # an existing role is left exactly as it is
        with connection.cursor() as cursor:
            cursor.execute("ALTER ROLE supabase_auth_admin RENAME TO supabase_auth_admin_away")
        assert createrole() is None
        create_roles_before_the_standin(plan=plan)
        assert createrole() is False  # made as Supabase makes it since 2026-08
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_migrate_without_auth_users__names_usersyncs_own_settings_not_the_demos():
    from types import SimpleNamespace

    from django.core.management.base import CommandError
    from django.db import connection

    from usersync.db.operations import require_supabase_auth

    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE auth.users RENAME TO users_elsewhere")
    with pytest.raises(CommandError) as error:
        require_supabase_auth(None, SimpleNamespace(connection=connection))
    message = str(error.value)
    assert "DISABLE_BOOTSTRAP" not in message.replace("USERSYNC_DISABLE_BOOTSTRAP", "")
    assert "DATABASE_URL" not in message
    assert '"usersync.contrib.supabase_local" to INSTALLED_APPS' in message
    assert "USERSYNC_DATABASE, here 'default'" in message
