"""The RLS example of docs/access-token-hook.md, run as written and proven the way
PostgREST applies it: the access token's claims (issued by the hook) in
request.jwt.claims and SET ROLE authenticated."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from tests.auth_hook import HOOK, claims_schema_errors, make_event
from usersync.models import UserProfile

pytestmark = pytest.mark.django_db

DOC = Path(__file__).resolve().parent.parent / "docs" / "access-token-hook.md"


def example_sql() -> str:
    blocks = re.findall(r"```sql\n(.*?)```", DOC.read_text(), re.S)
    return next(b for b in blocks if b.startswith("-- Example:"))


def hook_output(user_id) -> dict:
    """The hook's answer for the user, run as supabase_auth_admin on this connection."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL ROLE supabase_auth_admin")
        cursor.execute(f"SELECT {HOOK}(%s)", [json.dumps(make_event(user_id))])
        output = cursor.fetchone()[0]
        cursor.execute("RESET ROLE")
    return json.loads(output) if isinstance(output, str) else output


def issued_claims(user_id) -> dict:
    """The claims of an access token for the user, as the hook makes them."""
    output = hook_output(user_id)
    assert claims_schema_errors(output) == []
    return output["claims"]


@contextlib.contextmanager
def as_token(claims: dict) -> Iterator[psycopg.Connection]:
    connection.ensure_connection()
    conn = connection.connection
    conn.execute("SAVEPOINT as_token")
    try:
        conn.execute("SELECT set_config('request.jwt.claims', %s, true)", [json.dumps(claims)])
        conn.execute("SET LOCAL ROLE authenticated")
        yield conn
    finally:
        conn.execute("ROLLBACK TO SAVEPOINT as_token")


def visible_projects(claims: dict) -> list[str]:
    with as_token(claims) as conn:
        return [r[0] for r in conn.execute("SELECT name FROM public.projects ORDER BY name")]


@pytest.fixture
def projects(auth_user_factory):
    """ana and ben (role user) with a project each, and root (role admin)."""
    with connection.cursor() as cursor:
        cursor.execute(example_sql())
    ana, ben, root = auth_user_factory(), auth_user_factory(), auth_user_factory()
    UserProfile.objects.filter(user_id=root.pk).update(role="admin")
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO public.projects (owner_id, name) VALUES (%s, 'ana-1'), (%s, 'ben-1')",
            [ana.pk, ben.pk],
        )
    return ana, ben, root


def test_example_policy__a_user_sees_only_their_own_projects(projects):
    ana, _, _ = projects
    assert visible_projects(issued_claims(ana.pk)) == ["ana-1"]


def test_example_policy__the_admin_role_from_the_token_sees_every_project(projects):
    _, _, root = projects
    claims = issued_claims(root.pk)
    assert claims["user_role"] == "admin"
    assert visible_projects(claims) == ["ana-1", "ben-1"]


def test_example_policy__a_token_without_the_active_claim_sees_nothing(projects):
    _, _, root = projects
    claims = issued_claims(root.pk)
    del claims["user_is_active"]
    assert visible_projects(claims) == []
    assert visible_projects(claims | {"user_is_active": False}) == []


def test_example_policy__writes_need_an_active_token_and_ones_own_id(projects):
    ana, ben, _ = projects
    claims = issued_claims(ana.pk)
    with as_token(claims) as conn:
        conn.execute("INSERT INTO public.projects (name) VALUES ('ana-2')")
    with as_token(claims) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("INSERT INTO public.projects (owner_id, name) VALUES (%s, 'x')", [ben.pk])
    without_active = {k: v for k, v in claims.items() if k != "user_is_active"}
    with as_token(without_active) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("INSERT INTO public.projects (name) VALUES ('ana-3')")


def test_example_policy__a_deactivated_user_gets_no_token_to_use_them(projects):
    ana, _, _ = projects
    UserProfile.objects.filter(user_id=ana.pk).update(is_active=False)
    assert hook_output(ana.pk)["error"]["http_code"] == 403


def test_example_policies__use_the_per_statement_form_of_auth_functions(projects):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT policyname, coalesce(qual, '') || ' ' || coalesce(with_check, '') "
            "FROM pg_policies WHERE tablename = 'projects'"
        )
        policies = dict(cursor.fetchall())
    assert len(policies) == 3
    for text in policies.values():
        bare = re.findall(r"auth\.(?:uid|jwt)\(\)", text)
        wrapped = re.findall(r"SELECT \(?auth\.(?:uid|jwt)\(\)", text)
        assert len(bare) == len(wrapped)
