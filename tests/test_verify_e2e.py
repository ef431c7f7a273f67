"""verify_migration --e2e says which role the sign-up ran as; where it cannot be
supabase_auth_admin (Supabase's `postgres` may not SET ROLE to it), it proves instead
that the trigger functions run as an owner who may do everything they do."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator

import pytest
from django.db import connection

from tests.helpers import database_url_for_tests, manage


@contextlib.contextmanager
def role_like_supabase_postgres() -> Iterator[str]:
    """A login role, not a superuser (BYPASSRLS, as Supabase's postgres), that has the
    rights of the role owning usersync's objects and every privilege on the auth tables,
    but is no member of supabase_auth_admin: SET ROLE supabase_auth_admin is refused."""
    role = f"usersync_e2e_{os.getpid()}"
    owner = connection.settings_dict["USER"]
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} LOGIN NOSUPERUSER BYPASSRLS INHERIT")
        cursor.execute(f"GRANT {owner} TO {role}")
        cursor.execute(f"GRANT USAGE ON SCHEMA auth TO {role}")
        cursor.execute(f"GRANT ALL ON ALL TABLES IN SCHEMA auth TO {role}")
    try:
        yield role
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP OWNED BY {role}")
            cursor.execute(f"DROP ROLE {role}")


def verify_as(role: str, *args: str):
    return manage("verify_migration", "--e2e", *args, database_url=database_url_for_tests(role))


@pytest.mark.django_db(transaction=True)
def test_e2e_as_a_role_refused_supabase_auth_admin__says_so_and_checks_the_definer_functions():
    with role_like_supabase_postgres() as role:
        result = verify_as(role, "--json")
        text = verify_as(role).stdout
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["e2e_ran_as"] == role
    names = [check["name"] for check in report["e2e"]]
    assert names[0] == f"sign-up as {role} creates a profile"
    definer = [c for c in report["e2e"] if "runs as its owner" in c["name"]]
    assert {c["name"].split(" ")[0] for c in definer} == {
        "create_user_profile()",
        "fill_profile_sso_identity()",
        "sync_profile_last_login()",
        "sync_profile_display_fields()",
    }
    assert all(c["ok"] for c in definer)
    assert f"The sign-up ran as {role}: SET ROLE supabase_auth_admin was refused" in text


@pytest.mark.django_db(transaction=True)
def test_e2e_as_a_role_refused_supabase_auth_admin__fails_for_an_invoker_trigger_function():
    """The sign-up itself passes as such a role even without SECURITY DEFINER: only the
    owner check shows the function would fail as supabase_auth_admin."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER FUNCTION public.create_user_profile() SECURITY INVOKER")
    try:
        with role_like_supabase_postgres() as role:
            report = json.loads(verify_as(role, "--json").stdout)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER FUNCTION public.create_user_profile() SECURITY DEFINER")
    checks = {c["name"].split(" ")[0]: c for c in report["e2e"]}
    assert report["e2e"][0]["ok"]  # the sign-up as the connected role worked
    assert not checks["create_user_profile()"]["ok"]
    assert "not SECURITY DEFINER" in checks["create_user_profile()"]["detail"]
    assert checks["fill_profile_sso_identity()"]["ok"]


@pytest.mark.django_db(transaction=True)
def test_e2e_as_a_role_refused_supabase_auth_admin__names_a_privilege_the_owner_lacks():
    owner = f"usersync_e2e_owner_{os.getpid()}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {owner} NOLOGIN")
        cursor.execute(f"ALTER FUNCTION public.create_user_profile() OWNER TO {owner}")
    try:
        with role_like_supabase_postgres() as role:
            report = json.loads(verify_as(role, "--json").stdout)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                "ALTER FUNCTION public.create_user_profile() "
                f"OWNER TO {connection.settings_dict['USER']}"
            )
            cursor.execute(f"DROP ROLE {owner}")
    checks = {c["name"].split(" ")[0]: c for c in report["e2e"]}
    detail = checks["create_user_profile()"]["detail"]
    assert f"its owner {owner} may not EXECUTE usersync.create_profiles()" in detail
    assert f"its owner {owner} may not INSERT public.user_profiles" in detail
    assert f"its owner {owner} may not INSERT usersync.trigger_failures" in detail
    assert checks["fill_profile_sso_identity()"]["ok"]


@pytest.mark.django_db(transaction=True)
def test_e2e_json__a_passing_check_carries_no_failure_detail():
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("verify_migration", "--e2e", "--json", stdout=out)
    checks = json.loads(out.getvalue())["e2e"]
    assert checks and all(check["ok"] for check in checks)
    assert [c for c in checks if c["detail"]] == []
