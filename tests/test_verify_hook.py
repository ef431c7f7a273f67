"""verify_migration, --repair and the staff health check know the access token hook: each
drift named, --repair restores it, and the output says where the hook is enabled (which
the database cannot see)."""

from __future__ import annotations

import contextlib
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tests.tokens import MONITORING_TOKEN, bearer
from usersync.schema import hook

pytestmark = pytest.mark.django_db

NAME = f"access token hook {hook.FUNCTION}"
DRIFTS = {
    "dropped": (
        "DROP FUNCTION usersync.access_token_hook(jsonb)",
        "missing",
    ),
    "invoker": (
        "ALTER FUNCTION usersync.access_token_hook(jsonb) SECURITY INVOKER",
        "not SECURITY DEFINER (fails as supabase_auth_admin)",
    ),
    "search_path": (
        "ALTER FUNCTION usersync.access_token_hook(jsonb) RESET search_path",
        'configuration lacks search_path=""',
    ),
    "body": (
        "CREATE OR REPLACE FUNCTION usersync.access_token_hook(event jsonb) RETURNS jsonb "
        "LANGUAGE sql SECURITY DEFINER SET search_path = '' SET lock_timeout = '400ms' "
        "AS $$ SELECT event $$",
        "body differs from migrations_sql/access_token_hook.v2.sql",
    ),
    "anon": (
        "GRANT EXECUTE ON FUNCTION usersync.access_token_hook(jsonb) TO anon",
        "EXECUTE granted to anon",
    ),
    "public": (
        "GRANT EXECUTE ON FUNCTION usersync.access_token_hook(jsonb) TO PUBLIC",
        "EXECUTE granted to PUBLIC, anon, authenticated, service_role",
    ),
    "auth_admin": (
        "REVOKE EXECUTE ON FUNCTION usersync.access_token_hook(jsonb) FROM supabase_auth_admin",
        "supabase_auth_admin may not execute it",
    ),
    "schema": (
        "REVOKE USAGE ON SCHEMA usersync FROM supabase_auth_admin",
        "supabase_auth_admin has no USAGE on schema usersync",
    ),
    "settings_row": (
        "DELETE FROM usersync.access_token_hook_settings",
        "usersync.access_token_hook_settings has no row (claims go out unchanged)",
    ),
}


def verification() -> dict:
    out = StringIO()
    with contextlib.suppress(CommandError):
        call_command("verify_migration", "--json", stdout=out, stderr=StringIO())
    return json.loads(out.getvalue())


def hook_check(data: dict) -> dict:
    return next(c for c in data["checks"] if c["name"] == NAME)


def test_verify_migration__the_installed_hook_passes():
    check = hook_check(verification())
    assert (check["ok"], check["group"], check["detail"]) == (True, "functions", "")


@pytest.mark.parametrize("drift", DRIFTS)
def test_verify_migration__names_the_hooks_drift_and_repair_restores_it(drift):
    statement, detail = DRIFTS[drift]
    with connection.cursor() as cursor:
        cursor.execute(statement)
    data = verification()
    assert data["ok"] is False
    assert hook_check(data)["detail"] == detail
    assert [c["name"] for c in data["checks"] if not c["ok"]] == [NAME]
    call_command("verify_migration", "--repair", stdout=StringIO())
    assert hook_check(verification())["ok"] is True


def test_verify_migration__says_the_hook_is_enabled_in_the_auth_service_not_the_database():
    note = verification()["notes"][0]
    assert "Authentication → Hooks" in note
    assert "[auth.hook.custom_access_token]" in note
    assert 'uri = "pg-functions://postgres/usersync/access_token_hook"' in note


def test_staff_health__a_missing_hook_is_a_warning_naming_it(client):
    with connection.cursor() as cursor:
        cursor.execute("DROP FUNCTION usersync.access_token_hook(jsonb)")
    response = client.get("/admin/users/health-check", headers=bearer(MONITORING_TOKEN))
    body = response.json()
    assert (response.status_code, body["status"]) == (200, "degraded")
    assert body["schema_groups"]["functions"] is False
    assert any(w.startswith(f"{NAME}: missing") for w in body["warnings"])
