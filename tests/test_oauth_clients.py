"""Tokens Supabase Auth issues as an OAuth 2.1 server to third-party apps: they carry
client_id and scope (supabase/auth internal/tokens/service.go) and otherwise look like the
user's own. The admin API never takes them; the decorator, SupabaseAuthentication and
HasRole take them only when the setting or their per-use argument says so. Also the two
shapes of `amr`."""

from __future__ import annotations

import json
import re
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from tests.factories import insert_session
from tests.tokens import bearer, make_token
from usersync.access import tokens
from usersync.access.accounts import OAUTH_CLIENT_REFUSED
from usersync.models import UserActivityLog

pytestmark = [pytest.mark.urls("tests.urls"), pytest.mark.django_db]

CLIENT_ID = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"


def oauth_token(user, scope: str = "openid email profile") -> str:
    """An access token issued to CLIENT_ID, of a session the client holds."""
    session = insert_session(user.pk, oauth_client_id=uuid.UUID(CLIENT_ID), scopes=scope)
    return make_token(
        user.pk, email=user.email, session_id=str(session), client_id=CLIENT_ID, scope=scope
    )


def get(client, url: str, token: str):
    return client.get(url, headers=bearer(token))


def error_of(response) -> str:
    return response.json().get("error") or response.json().get("detail")


@pytest.mark.parametrize("allowed", [False, True])
@pytest.mark.parametrize("url", ["/api/users/", "/metrics", "/admin/users/health-check"])
def test_admin_api__refuses_an_oauth_clients_token_whatever_the_setting(
    client, admin, settings, url, allowed
):
    settings.USERSYNC_ALLOW_OAUTH_CLIENTS = allowed
    response = get(client, url, oauth_token(admin))
    assert (response.status_code, response.json()) == (403, {"error": OAUTH_CLIENT_REFUSED})
    own = make_token(admin.pk, email=admin.email, session_id=str(insert_session(admin.pk)))
    assert get(client, url, own).status_code == 200


def test_supabase_user_required__refuses_an_oauth_clients_token_by_default(client, admin):
    response = get(client, "/app/oauth/as-set", oauth_token(admin))
    assert (response.status_code, response.json()) == (403, {"error": OAUTH_CLIENT_REFUSED})


def test_supabase_user_required__with_the_setting_lets_it_in_with_client_id_and_scopes(
    client, admin, settings
):
    settings.USERSYNC_ALLOW_OAUTH_CLIENTS = True
    response = get(client, "/app/oauth/as-set", oauth_token(admin, scope="openid  email"))
    assert (response.status_code, response.json()) == (
        200,
        {"client_id": CLIENT_ID, "scopes": ["openid", "email"]},
    )


def test_supabase_user_required__the_argument_overrides_the_setting(client, admin, settings):
    token = oauth_token(admin)
    assert get(client, "/app/oauth/allowed", token).status_code == 200
    settings.USERSYNC_ALLOW_OAUTH_CLIENTS = True
    response = get(client, "/app/oauth/refused", token)
    assert (response.status_code, response.json()) == (403, {"error": OAUTH_CLIENT_REFUSED})


def test_supabase_user_required__a_users_own_token_has_no_client_id_nor_scopes(client, admin):
    response = get(client, "/app/oauth/refused", make_token(admin.pk))
    assert (response.status_code, response.json()) == (200, {"client_id": None, "scopes": []})


def test_supabase_authentication__refuses_an_oauth_clients_token_by_default(client, admin):
    response = get(client, "/drf/me/", oauth_token(admin))
    assert (response.status_code, error_of(response)) == (403, OAUTH_CLIENT_REFUSED)


def test_supabase_authentication__with_the_setting_lets_it_in(client, admin, settings):
    settings.USERSYNC_ALLOW_OAUTH_CLIENTS = True
    assert get(client, "/drf/me/", oauth_token(admin)).status_code == 200


def test_supabase_authentication__the_attribute_lets_it_in_with_client_id_and_scopes(client, admin):
    response = get(client, "/drf/oauth/", oauth_token(admin, scope="openid email"))
    assert (response.status_code, response.json()) == (
        200,
        {"client_id": CLIENT_ID, "scopes": ["openid", "email"]},
    )


def test_has_role__refuses_an_oauth_clients_token_unless_allowed(client, admin, settings):
    token = oauth_token(admin)
    # Authentication lets it through (OAuthClientsAuthentication); the role check decides.
    refused = get(client, "/drf/oauth/admin/", token)
    assert (refused.status_code, error_of(refused)) == (403, OAUTH_CLIENT_REFUSED)
    assert get(client, "/drf/oauth/clients/", token).status_code == 200
    settings.USERSYNC_ALLOW_OAUTH_CLIENTS = True
    assert get(client, "/drf/oauth/admin/", token).status_code == 200
    refused = get(client, "/drf/oauth/own/", token)
    assert (refused.status_code, error_of(refused)) == (403, OAUTH_CLIENT_REFUSED)


def test_has_role__lets_the_users_own_token_in_whatever_it_says_of_clients(client, admin):
    own = make_token(admin.pk)
    for url in ("/drf/oauth/admin/", "/drf/oauth/own/", "/drf/oauth/clients/"):
        assert get(client, url, own).status_code == 200, url


def test_verify__reads_client_id_and_scope():
    user = uuid.uuid4()
    claims = tokens.verify(make_token(user, client_id=CLIENT_ID, scope="openid email phone"))
    assert (claims.client_id, claims.scopes) == (CLIENT_ID, ("openid", "email", "phone"))
    claims = tokens.verify(make_token(user, client_id="", scope=""))
    assert (claims.client_id, claims.scopes) == (None, ())


def test_verify__refuses_a_client_id_that_is_not_a_string():
    with pytest.raises(tokens.InvalidToken, match="client_id claim must be a string"):
        tokens.verify(make_token(uuid.uuid4(), client_id=["a", "b"]))


@pytest.mark.parametrize(
    ("amr", "methods"),
    [
        (
            [{"method": "password", "timestamp": 1}, {"method": "totp", "timestamp": 2}],
            ["password", "totp"],
        ),
        (["password", "totp"], ["password", "totp"]),  # auth v2.185.0: strings
        (["oauth", {"method": "otp", "timestamp": 3}], ["oauth", "otp"]),
        ([{"timestamp": 4}, 7, None, ""], []),
    ],
)
def test_supabase_user_required__records_the_sign_in_methods_of_either_amr_shape(
    client, auth_user_factory, amr, methods
):
    user = auth_user_factory()
    token = make_token(user.pk, session_id=str(insert_session(user.pk)), amr=amr)
    assert get(client, "/app/whoami", token).status_code == 200
    entry = UserActivityLog.objects.get(user_id=user.pk, activity_type="sign_in")
    assert entry.details.get("methods", []) == methods


def test_verify__reads_amr_as_objects_or_strings():
    now = int(time.time())
    as_objects = [{"method": "password", "timestamp": now}, {"method": "otp", "timestamp": now}]
    assert tokens.verify(make_token(uuid.uuid4(), amr=as_objects)).amr_methods == (
        "password",
        "otp",
    )
    as_strings = ["password", "otp"]
    assert tokens.verify(make_token(uuid.uuid4(), amr=as_strings)).amr_methods == (
        "password",
        "otp",
    )
    assert tokens.verify(make_token(uuid.uuid4(), amr=None)).amr_methods == ()


DRF_DOC = Path(__file__).resolve().parent.parent / "docs" / "drf.md"


def test_restrictive_policy_of_the_docs__hides_a_table_from_oauth_clients_only():
    """docs/drf.md's policy, run as written, as PostgREST applies a token's claims."""
    policy = next(
        b for b in re.findall(r"```sql\n(.*?)```", DRF_DOC.read_text(), re.S) if "RESTRICTIVE" in b
    )
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE public.orders (id int PRIMARY KEY)")
        cursor.execute("ALTER TABLE public.orders ENABLE ROW LEVEL SECURITY")
        cursor.execute("GRANT SELECT ON public.orders TO authenticated")
        cursor.execute(
            "CREATE POLICY everyone_signed_in ON public.orders FOR SELECT TO authenticated "
            "USING (true)"
        )
        cursor.execute("INSERT INTO public.orders VALUES (1), (2)")
        cursor.execute(policy)
    user = str(uuid.uuid4())
    own = {"sub": user, "role": "authenticated", "session_id": str(uuid.uuid4())}
    assert orders_seen(own) == 2
    assert orders_seen(own | {"client_id": CLIENT_ID, "scope": "openid"}) == 0


def orders_seen(claims: dict) -> int:
    connection.ensure_connection()
    conn = connection.connection
    conn.execute("SAVEPOINT as_token")
    try:
        conn.execute("SELECT set_config('request.jwt.claims', %s, true)", [json.dumps(claims)])
        conn.execute("SET LOCAL ROLE authenticated")
        return conn.execute("SELECT count(*) FROM public.orders").fetchone()[0]
    finally:
        conn.execute("ROLLBACK TO SAVEPOINT as_token")
