"""usersync.contrib.drf: a Django REST framework view set (tests/urls.py) behind
SupabaseAuthentication and the permission classes, with real tokens (HS256 and JWKS) and
a real database."""

from __future__ import annotations

import ast
import base64
import json
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.utils import timezone

from tests.factories import insert_session, profile_of
from tests.test_tokens import jwk
from tests.tokens import bearer, make_token
from usersync.access.accounts import ON_DEMAND_ACTOR, AppUser
from usersync.contrib.drf.authentication import SupabaseUser
from usersync.contrib.drf.permissions import HasRole, IsActiveProfile, RolePermission
from usersync.models import AdminAuditLog, UserActivityLog, UserProfile

pytestmark = [pytest.mark.urls("tests.urls"), pytest.mark.django_db]

ME = "/drf/me/"
ADMIN_ONLY = "/drf/me/admin/"
OTHER_SECRET = "not-the-projects-secret-" + "z" * 40


def get(client, url: str = ME, token: str | None = None, **headers):
    if token is not None:
        headers |= bearer(token)
    return client.get(url, headers=headers)


def unsigned_token(user) -> str:
    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    header = b64(b'{"alg":"none","typ":"JWT"}')
    claims = {"sub": str(user.pk), "aud": "authenticated", "exp": 4_102_444_800}
    return f"{header}.{b64(json.dumps(claims).encode())}."


def test_supabase_authentication__lets_an_active_user_in_with_their_profile(
    client, auth_user_factory
):
    user = auth_user_factory()
    UserProfile.objects.filter(user_id=user.pk).update(role="admin")
    session = str(insert_session(user.pk))
    response = get(client, token=make_token(user.pk, email=user.email, session_id=session))
    assert response.status_code == 200
    assert response.json() == {
        "user_id": str(user.pk),
        "email": user.email,
        "role": "admin",
        "is_active": True,
        "profile_created": False,
        "session_id": session,  # request.auth: the token's claims
    }


def test_supabase_authentication__creates_a_missing_profile_on_the_spot(client, auth_user_factory):
    user = auth_user_factory(with_profile=False)
    assert not UserProfile.objects.filter(user_id=user.pk).exists()
    response = get(client, token=make_token(user.pk))
    assert response.status_code == 200
    assert (response.json()["profile_created"], response.json()["role"]) == (True, "user")
    assert (profile_of(user).role, profile_of(user).is_active) == ("user", True)
    entry = AdminAuditLog.objects.get(target_user_id=user.pk)
    assert (entry.action, entry.actor) == ("profile_created", ON_DEMAND_ACTOR)


def test_supabase_authentication__records_the_sign_in_like_the_decorator(client, auth_user_factory):
    user = auth_user_factory()
    session = str(insert_session(user.pk))
    get(client, token=make_token(user.pk, session_id=session), User_Agent="drf/1")
    assert profile_of(user).last_login is not None
    entry = UserActivityLog.objects.get(user_id=user.pk)
    assert (entry.activity_type, entry.details["session_id"], entry.user_agent) == (
        "sign_in",
        session,
        "drf/1",
    )


def test_supabase_authentication__refuses_a_deactivated_user_with_403(client, auth_user_factory):
    user = auth_user_factory()
    UserProfile.objects.filter(user_id=user.pk).update(is_active=False)
    response = get(client, token=make_token(user.pk))
    assert (response.status_code, response.json()) == (403, {"detail": "account deactivated"})
    assert not UserActivityLog.objects.exists()


def test_supabase_authentication__refuses_a_banned_user_with_403(client, auth_user_factory):
    user = auth_user_factory()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE auth.users SET banned_until = now() + interval '1 day' WHERE id = %s",
            [user.pk],
        )
    response = get(client, token=make_token(user.pk))
    assert (response.status_code, response.json()) == (403, {"detail": "account banned"})


def test_supabase_authentication__refuses_a_deleted_users_token_with_401(client, auth_user_factory):
    user = auth_user_factory(deleted_at=timezone.now())
    response = get(client, token=make_token(user.pk))
    assert (response.status_code, response.json()) == (
        401,
        {"detail": "the token's user no longer exists"},
    )
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


REJECTIONS = {
    "expired": (lambda u: make_token(u.pk, expires_in=-3600), "token expired"),
    "wrong audience": (
        lambda u: make_token(u.pk, aud="anon"),
        "token audience is not 'authenticated'",
    ),
    "no audience": (lambda u: make_token(u.pk, aud=None), "token lacks the 'aud' claim"),
    "bad signature": (
        lambda u: make_token(u.pk, secret=OTHER_SECRET),
        "token signature is invalid",
    ),
    "alg none": (unsigned_token, "unsupported token algorithm 'none'"),
    "malformed token": (lambda u: "not-a-jwt", "token is malformed"),
    "subject not a user id": (
        lambda u: make_token("service-account"),
        "token subject is not a user id",
    ),
}


@pytest.mark.parametrize("case", list(REJECTIONS))
def test_supabase_authentication__refuses_a_bad_token_with_401_and_the_reason(
    client, auth_user_factory, case
):
    user = auth_user_factory()
    make, reason = REJECTIONS[case]
    response = get(client, token=make(user))
    assert (response.status_code, response.json()) == (401, {"detail": reason})
    assert response["WWW-Authenticate"] == (
        f'Bearer realm="usersync", error="invalid_token", '
        f'error_description="{reason.replace(chr(34), chr(39))}"'
    )


def test_supabase_authentication__refuses_another_issuer_when_one_is_set(
    client, settings, auth_user_factory
):
    settings.USERSYNC_JWT_ISSUER = "https://project.supabase.co/auth/v1"
    user = auth_user_factory()
    other = get(client, token=make_token(user.pk, iss="https://other.supabase.co/auth/v1"))
    assert (other.status_code, other.json()) == (
        401,
        {"detail": "token issuer is not this project"},
    )
    own = get(client, token=make_token(user.pk, iss="https://project.supabase.co/auth/v1"))
    assert own.status_code == 200


def test_supabase_authentication__refuses_a_malformed_header_with_401(client):
    response = get(client, Authorization="Bearer ")
    assert (response.status_code, response.json()) == (
        401,
        {"detail": "the Authorization header is not 'Bearer <token>'"},
    )
    assert response["WWW-Authenticate"].startswith('Bearer realm="usersync", error="invalid_token"')


@pytest.mark.parametrize("header", ["\xa0", " ", "\t \t", "\u2003", "\xa0Bearer"])
def test_supabase_authentication__a_blank_or_odd_header_is_a_401_never_a_500(client, header):
    # Whitespace-only headers (a no-break space through gunicorn) were an IndexError.
    response = get(client, Authorization=header)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith('Bearer realm="usersync"')


@pytest.mark.parametrize("header", [None, "Basic dXNlcjpwYXNz"])
def test_supabase_authentication__asks_for_a_token_with_401_when_none_is_sent(client, header):
    response = get(client, **({"Authorization": header} if header else {}))
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}
    assert response["WWW-Authenticate"] == 'Bearer realm="usersync"'


def test_supabase_authentication__is_503_when_tokens_cannot_be_verified(
    client, settings, auth_user_factory
):
    settings.USERSYNC_JWT_SECRET = ""
    response = get(client, token=make_token(auth_user_factory().pk))
    assert response.status_code == 503
    assert "token verification is not configured" in response.json()["detail"]


@pytest.fixture(scope="module")
def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def ec_key():
    return ec.generate_private_key(ec.SECP256R1())


@pytest.fixture
def jwks_only(settings, rsa_key, ec_key):
    settings.USERSYNC_JWT_SECRET = ""
    settings.USERSYNC_JWKS = json.dumps(
        {
            "keys": [
                jwk(rsa_key.public_key(), "rsa-1", "RS256"),
                jwk(ec_key.public_key(), "ec-1", "ES256"),
            ]
        }
    )


def test_supabase_authentication__accepts_rs256_and_es256_tokens_from_the_jwks(
    client, jwks_only, rsa_key, ec_key, auth_user_factory
):
    user = auth_user_factory()
    rs = make_token(user.pk, secret=rsa_key, algorithm="RS256", headers={"kid": "rsa-1"})
    es = make_token(user.pk, secret=ec_key, algorithm="ES256", headers={"kid": "ec-1"})
    assert get(client, token=rs).json()["user_id"] == str(user.pk)
    assert get(client, token=es).json()["user_id"] == str(user.pk)


def test_supabase_authentication__with_a_jwks_refuses_unknown_keys_and_hs256(
    client, jwks_only, rsa_key, auth_user_factory
):
    user = auth_user_factory()
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cases = {
        make_token(user.pk, secret=rsa_key, algorithm="RS256", headers={"kid": "rotated"}): (
            "token signed with an unknown key"
        ),
        make_token(user.pk, secret=stranger, algorithm="RS256", headers={"kid": "rsa-1"}): (
            "token signature is invalid"
        ),
        make_token(user.pk): "HS256 tokens are not accepted (no JWT secret configured)",
    }
    for token, reason in cases.items():
        response = get(client, token=token)
        assert (response.status_code, response.json()) == (401, {"detail": reason})


def test_has_role__refuses_a_non_admin_with_403(client, auth_user_factory):
    member = auth_user_factory()
    response = get(client, ADMIN_ONLY, token=make_token(member.pk))
    assert (response.status_code, response.json()) == (
        403,
        {"detail": "this needs the role admin"},
    )


def test_has_role__lets_an_admin_in(client, admin):
    response = get(client, ADMIN_ONLY, token=make_token(admin.pk))
    assert (response.status_code, response.json()) == (200, {"ok": True, "role": "admin"})


def test_has_role__without_a_token_is_401(client):
    response = get(client, ADMIN_ONLY)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="usersync"'


def test_has_role__makes_a_permission_class_for_any_of_its_roles():
    permission = HasRole("admin", "editor")
    assert issubclass(permission, RolePermission)
    assert permission.roles == ("admin", "editor")
    with pytest.raises(ValueError, match="at least one role"):
        HasRole()


def signed_in(role: str, active: bool = True) -> SimpleNamespace:
    account = AppUser(
        user_id=uuid.uuid4(),
        email="a@example.com",
        deleted_at=None,
        banned=False,
        has_profile=True,
        role=role,
        is_active=active,
        last_login=None,
    )
    return SimpleNamespace(user=SupabaseUser(account))


def test_has_role__composes_with_drfs_operators():
    either = HasRole("admin") | HasRole("editor")
    assert either().has_permission(signed_in("editor"), None)
    assert not either().has_permission(signed_in("user"), None)
    assert not either().has_permission(signed_in("admin", active=False), None)
    not_admin = ~HasRole("admin")
    assert not_admin().has_permission(signed_in("user"), None)
    assert not IsActiveProfile().has_permission(SimpleNamespace(user=AnonymousUser()), None)


def test_rest_framework__is_imported_only_by_usersync_contrib_drf():
    package = Path(__file__).resolve().parent.parent / "usersync"
    importers = []
    for path in package.rglob("*.py"):
        if path.is_relative_to(package / "contrib" / "drf"):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            if any(n == "rest_framework" or n.startswith("rest_framework.") for n in names):
                importers.append(str(path.relative_to(package)))
    assert importers == []
