"""The five commands through call_command: text, --json, options and exit codes."""

from __future__ import annotations

import json
import re
import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from usersync.models import AdminAuditLog, SyncRun, UserProfile
from usersync.schema import hook

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def run_json(*args: str) -> dict:
    return json.loads(run(*args, "--json"))


def fails(*args: str) -> CommandError:
    with pytest.raises(CommandError) as error:
        call_command(*args, stdout=StringIO(), stderr=StringIO())
    return error.value


@pytest.fixture
def two_missing(auth_user_factory):
    auth_user_factory()
    return [auth_user_factory(with_profile=False) for _ in range(2)]


# sync_status


def test_sync_status__json_uses_the_specs_metric_names(two_missing):
    data = run_json("sync_status")
    assert {
        k: data[k]
        for k in ("total_auth_users", "total_profiles", "missing_profiles", "sync_percentage")
    } == {
        "total_auth_users": 3,
        "total_profiles": 1,
        "missing_profiles": 2,
        "sync_percentage": 33.33,
    }
    assert data["trigger_installed"] is True and data["last_sync"] is None


def test_sync_status__text_shows_counts_and_percentage(two_missing):
    text = run("sync_status")
    assert "Missing profiles:    2" in text
    assert "❌ 1 of 3 users have a profile (33.33%); 2 missing" in text
    assert "Orphan profiles" not in text
    assert "Orphan profiles (no auth user): 0" in run("sync_status", "--verbose")


def test_sync_status__fail_on_missing_exits_1_only_when_profiles_are_missing(two_missing):
    error = fails("sync_status", "--fail-on-missing")
    assert (error.returncode, str(error)) == (
        1,
        "2 users need profile synchronization; run sync_users",
    )
    run("sync_users")
    assert "0 missing" in run("sync_status", "--fail-on-missing")


# sync_users


def test_sync_users__dry_run_lists_and_writes_nothing(two_missing):
    data = run_json("sync_users", "--dry-run")
    assert (data["dry_run"], data["would_create"]) == (True, 2)
    assert {s["user_id"] for s in data["sample"]} == {str(u.pk) for u in two_missing}
    assert UserProfile.objects.count() == 1 and not SyncRun.objects.exists()
    text = run("sync_users", "--dry-run")
    assert text.startswith("Dry run: nothing was written.\nWould create 2 profiles")


def test_sync_users__creates_missing_profiles_and_reports(two_missing):
    text = run("sync_users", "--batch-size", "1", "--verbose")
    assert re.search(
        r"^batch 1: scanned \d+, created \d, filled 0 \(pages 0-\d+ of \d+\)$", text, re.M
    )
    assert "created 2 profiles" in text
    assert "✅ 3 of 3 users have a profile (100.00%); 0 missing" in text
    data = run_json("sync_users")
    assert (data["created"], data["status"]["missing_profiles"]) == (0, 0)


def test_sync_users__no_preserve_without_yes_and_no_terminal_refuses(two_missing):
    UserProfile.objects.update(role="admin")
    error = fails("sync_users", "--no-preserve")
    assert error.returncode == 2
    assert "Confirm with --yes (there is no terminal to ask on)" in str(error)
    assert list(UserProfile.objects.values_list("role", flat=True)) == ["admin"]
    assert UserProfile.objects.count() == 1


def test_sync_users__no_preserve_with_yes_resets_and_audits(two_missing):
    UserProfile.objects.update(role="admin")
    data = run_json("sync_users", "--no-preserve", "--yes")
    assert (data["reset"], data["created"]) == (1, 2)
    entry = AdminAuditLog.objects.get(action="profile_reset")
    assert (entry.old_values["role"], entry.new_values["role"]) == ("admin", "user")


def test_sync_users__dry_run_with_no_preserve_counts_what_would_be_reset(two_missing):
    UserProfile.objects.update(role="admin")
    assert run_json("sync_users", "--dry-run", "--no-preserve")["would_reset"] == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--batch-size", "0"], "expected a number of at least 1, got 0"),
        (["--batch-size", "-5"], "expected a number of at least 1, got -5"),
        (["--batch-size", "10x"], "expected a whole number, got '10x'"),
        (["--batch-size", "100000000"], "batch size must be at most 100000"),
        (["--yes"], "--yes only confirms --no-preserve"),
    ],
)
def test_sync_users__bad_options_are_one_clear_error(two_missing, args, message):
    error = fails("sync_users", *args)
    assert error.returncode == 2 and message in str(error)
    assert UserProfile.objects.count() == 1


# create_profile


def test_create_profile__with_role_and_inactive(auth_user_factory):
    user = auth_user_factory(with_profile=False, provider="google")
    data = run_json("create_profile", str(user.pk), "--role", "admin", "--inactive")
    assert (data["role"], data["is_active"], data["sso_provider"]) == ("admin", False, "google")
    entry = AdminAuditLog.objects.get(action="profile_created")
    assert (entry.actor, entry.target_user_id, entry.new_values["role"]) == (
        "command:create_profile",
        user.pk,
        "admin",
    )


def test_create_profile__text_output(auth_user_factory):
    user = auth_user_factory(with_profile=False)
    assert run("create_profile", str(user.pk)).strip() == (
        f"Created the profile of {user.pk}: role user, active"
    )


@pytest.mark.parametrize(
    ("user_id", "extra", "message"),
    [
        ("not-a-uuid", [], "not a user id (a UUID like"),
        (str(uuid.UUID(int=7)), [], f"no auth user with id {uuid.UUID(int=7)}"),
        ("existing", [], "already has a profile (role admin, inactive); nothing changed"),
        ("deleted", [], "deleted users get no profile"),
        ("missing", ["--role", "superuser"], "unknown role 'superuser'; allowed: user, admin"),
    ],
)
def test_create_profile__errors_are_clear_and_change_nothing(
    auth_user_factory, user_id, extra, message
):
    users = {
        "existing": auth_user_factory(),
        "deleted": auth_user_factory(with_profile=False, deleted_at=timezone.now()),
        "missing": auth_user_factory(with_profile=False),
    }
    UserProfile.objects.filter(user_id=users["existing"].pk).update(role="admin", is_active=False)
    target = str(users[user_id].pk) if user_id in users else user_id
    error = fails("create_profile", target, *extra)
    assert error.returncode == 2 and message in str(error)
    assert UserProfile.objects.count() == 1
    assert not AdminAuditLog.objects.exists()


# preservation_report


def test_preservation_report__lists_non_default_data_and_named_users(auth_user_factory):
    keep = auth_user_factory()
    plain = auth_user_factory()
    missing = auth_user_factory(with_profile=False)
    UserProfile.objects.filter(user_id=keep.pk).update(role="admin", deactivation_reason="x")
    data = run_json("preservation_report")
    assert data["summary"] == {
        "profiles_examined": 2,
        "profiles_with_data": 1,
        "profiles_with_defaults_only": 1,
        "users_without_profile": 0,
        "unknown_user_ids": 0,
    }
    assert data["profiles"] == [
        {
            "user_id": str(keep.pk),
            "email": keep.email,
            "preserved": {"role": "admin", "deactivation_reason": "x"},
        }
    ]
    unknown = uuid.UUID(int=9)
    named = run_json("preservation_report", str(plain.pk), str(missing.pk), str(unknown))
    assert named["summary"]["profiles_examined"] == 1
    assert named["users_without_profile"] == [str(missing.pk)]
    assert named["unknown_user_ids"] == [str(unknown)]
    text = run("preservation_report", "--limit", "1")
    assert "2 profiles examined: 1 hold data that --no-preserve would overwrite" in text
    assert f"{keep.pk}  {keep.email}  role=admin, deactivation_reason=x" in text


def test_preservation_report__rejects_a_malformed_id():
    error = fails("preservation_report", "nope")
    assert error.returncode == 2 and "not a user id" in str(error)


# verify_migration


def test_verify_migration__passes_with_the_specs_lines():
    text = run("verify_migration", "--e2e")
    assert text.splitlines() == [
        "✅ Migration verification passed",
        "✅ All required tables exist",
        "✅ All triggers are functioning",
        "✅ All functions are created",
        "✅ Row level security and grants are in place",
        "✅ End-to-end sign-up test passed",
        "   The sign-up ran as supabase_auth_admin, the role Supabase Auth inserts users as",
        f"\u2139\ufe0f {hook.ENABLE_NOTE}",
    ]


def test_verify_migration__names_each_drifted_object_and_repair_restores_it():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER on_auth_user_created ON auth.users")
        cursor.execute("ALTER FUNCTION public.fill_profile_sso_identity() SECURITY INVOKER")
        cursor.execute("ALTER TABLE public.user_profiles DISABLE ROW LEVEL SECURITY")
        cursor.execute("GRANT SELECT ON public.django_session TO anon")
    error = fails("verify_migration")
    assert error.returncode == 1
    data = json.loads(_stdout_of_failure("verify_migration", "--json"))
    failing = {c["name"]: c["detail"] for c in data["checks"] if not c["ok"]}
    assert failing == {
        "trigger on_auth_user_created on auth.users": "missing",
        "function public.fill_profile_sso_identity()": (
            "not SECURITY DEFINER (fails as supabase_auth_admin)"
        ),
        "row level security on public.user_profiles": "off",
        "anon privileges on public.django_session": "granted SELECT",
    }
    assert run_json("verify_migration", "--repair")["ok"] is True


def test_verify_migration__the_failing_line_names_the_disabled_trigger():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE auth.users DISABLE TRIGGER on_auth_user_created")
    lines = _stdout_of_failure("verify_migration").splitlines()
    assert lines[:4] == [
        "❌ Migration verification failed",
        "✅ All required tables exist",
        "❌ Triggers not installed and enabled: "
        "trigger on_auth_user_created on auth.users: disabled",
        "   repair: python manage.py verify_migration --repair",
    ]
    assert str(fails("verify_migration")) == "migration verification failed: 1 problem"


def test_verify_migration__names_a_missing_or_reshaped_signin_trigger_and_repair_restores_it():
    from django.db import connection

    name = "trigger on_auth_user_signed_in on auth.users"
    state = (
        "SELECT pg_get_triggerdef(oid) LIKE '%%WHEN ((new.last_sign_in_at IS DISTINCT FROM%%' "
        "FROM pg_trigger WHERE tgname = 'on_auth_user_signed_in'"
    )
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER on_auth_user_signed_in ON auth.users")
    data = json.loads(_stdout_of_failure("verify_migration", "--json"))
    assert {c["name"]: c["detail"] for c in data["checks"] if not c["ok"]} == {name: "missing"}
    assert run_json("verify_migration", "--repair")["ok"] is True
    with connection.cursor() as cursor:
        cursor.execute(state)
        assert cursor.fetchall() == [(True,)]
        # Without its WHEN, it would run at every update of a user, not only sign-ins.
        cursor.execute(
            "CREATE OR REPLACE TRIGGER on_auth_user_signed_in "
            "AFTER UPDATE OF last_sign_in_at ON auth.users FOR EACH ROW "
            "EXECUTE FUNCTION public.sync_profile_last_login()"
        )
    data = json.loads(_stdout_of_failure("verify_migration", "--json"))
    failing = {c["name"]: c["detail"] for c in data["checks"] if not c["ok"]}
    assert list(failing) == [name]
    assert failing[name].startswith("defined as: CREATE TRIGGER on_auth_user_signed_in ")
    assert run_json("verify_migration", "--repair")["ok"] is True
    with connection.cursor() as cursor:
        cursor.execute(state)
        assert cursor.fetchall() == [(True,)]


def test_verify_migration__role_it_cannot_assume_leaves_the_transaction_usable():
    from usersync.db.connection import atomic, connection
    from usersync.schema.e2e import _try_set_role

    with atomic(), connection().cursor() as cursor:
        cursor.execute("SELECT current_user, current_setting('search_path')")
        before = cursor.fetchone()
        assert _try_set_role(cursor, "usersync_no_such_role") is False
        cursor.execute("SELECT current_user, current_setting('search_path')")
        assert cursor.fetchone() == before
        assert _try_set_role(cursor, "supabase_auth_admin") is True
        cursor.execute("SELECT current_user, current_setting('search_path')")
        assert cursor.fetchone() == ("supabase_auth_admin", "auth")


def _stdout_of_failure(*args: str) -> str:
    out = StringIO()
    with pytest.raises(CommandError):
        call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()
