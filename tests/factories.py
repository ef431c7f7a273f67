"""Test data. Auth users are inserted as Supabase Auth inserts them (role
supabase_auth_admin), so the trigger creates their profiles as in production."""

from __future__ import annotations

import json
import uuid

import factory
from django.db import connection
from django.utils import timezone

from usersync.models import AuthUser, UserProfile

SSO_PROVIDERS = {"google", "github", "azure", "sso:7b1ac6a2-4a38-4a4e-9d5e-1f0c2d3e4f50"}


def insert_auth_user(
    *,
    id: uuid.UUID,
    email: str | None,
    phone: str | None,
    provider: str,
    provider_id: str | None,
    last_sign_in_at,
    deleted_at,
    is_anonymous: bool,
    with_identity: bool,
    email_confirmed_at=None,
    user_meta: dict | None = None,
) -> None:
    app_meta = {} if is_anonymous else {"provider": provider, "providers": [provider]}
    with connection.cursor() as cursor:
        cursor.execute("SET ROLE supabase_auth_admin")
        try:
            cursor.execute(
                """
                INSERT INTO auth.users (instance_id, id, aud, role, email, phone,
                    raw_app_meta_data, raw_user_meta_data, created_at, updated_at,
                    last_sign_in_at, is_sso_user, is_anonymous, deleted_at,
                    email_confirmed_at)
                VALUES ('00000000-0000-0000-0000-000000000000', %s, 'authenticated',
                    'authenticated', %s, %s, %s, %s, now(), now(), %s, %s, %s, %s, %s)
                """,
                [
                    id,
                    email,
                    phone,
                    json.dumps(app_meta),
                    json.dumps(user_meta or {}),
                    last_sign_in_at,
                    provider.startswith("sso:"),
                    is_anonymous,
                    deleted_at,
                    email_confirmed_at,
                ],
            )
            if with_identity and not is_anonymous:
                cursor.execute(
                    """
                    INSERT INTO auth.identities (provider_id, user_id, identity_data, provider)
                    VALUES (%s, %s, %s, %s)
                    """,
                    [provider_id or str(id), id, json.dumps({"email": email}), provider],
                )
        finally:
            cursor.execute("RESET ROLE")


class AuthUserFactory(factory.Factory):
    """AuthUserFactory(provider="google", with_profile=False) -> AuthUser."""

    class Meta:
        model = AuthUser

    id = factory.LazyFunction(uuid.uuid4)
    email = factory.Sequence(lambda n: f"user{n}@example.com")
    phone = None
    provider = "email"
    provider_id = factory.LazyAttribute(
        lambda o: f"{o.provider}-{o.id.hex[:10]}" if o.provider in SSO_PROVIDERS else None
    )
    last_sign_in_at = None
    deleted_at = None

    class Params:
        # Confirmed, as after a sign-up's confirmation link (confirmed=False: not yet).
        confirmed = True

    email_confirmed_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.confirmed and o.email else None
    )
    is_anonymous = False
    with_identity = True
    with_profile = True
    user_meta = None

    @classmethod
    def _create(cls, model_class, *, with_profile: bool, **fields) -> AuthUser:
        insert_auth_user(**fields)
        if not with_profile:
            UserProfile.objects.filter(user_id=fields["id"]).delete()
        return model_class.objects.get(pk=fields["id"])


def profile_of(user: AuthUser) -> UserProfile:
    return UserProfile.objects.get(user_id=user.pk)


def insert_session(
    user_id: uuid.UUID, *, oauth_client_id: uuid.UUID | None = None, scopes: str | None = None
) -> uuid.UUID:
    """A row in auth.sessions as the auth service writes it at sign-in (as
    supabase_auth_admin, the table's owner); its id is the tokens' session_id claim."""
    session_id = uuid.uuid4()
    with connection.cursor() as cursor:
        cursor.execute("SET ROLE supabase_auth_admin")
        try:
            cursor.execute(
                "INSERT INTO auth.sessions (id, user_id, created_at, updated_at, aal, "
                "refreshed_at, user_agent, ip, oauth_client_id, scopes) "
                "VALUES (%s, %s, now(), now(), 'aal1', now(), 'test', '203.0.113.7', %s, %s)",
                [session_id, user_id, oauth_client_id, scopes],
            )
        finally:
            cursor.execute("RESET ROLE")
    return session_id


def end_session(session_id: uuid.UUID) -> None:
    """What the auth service does at sign-out: the session row goes (its refresh tokens
    with it)."""
    with connection.cursor() as cursor:
        cursor.execute("SET ROLE supabase_auth_admin")
        try:
            cursor.execute("DELETE FROM auth.sessions WHERE id = %s", [session_id])
        finally:
            cursor.execute("RESET ROLE")
