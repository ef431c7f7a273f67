"""The on_auth_user_created trigger, fired the way Supabase Auth fires it: a separate
connection logged in as supabase_auth_admin (search_path = auth, no rights on public)."""

from __future__ import annotations

import uuid

import psycopg
import pytest

from tests.db import connect
from usersync.models import AuthUser, TriggerFailure, UserProfile

pytestmark = pytest.mark.django_db(transaction=True)


def sign_up(
    conn: psycopg.Connection, provider: str = "email", email: str | None = None
) -> uuid.UUID:
    """What GoTrue does on sign-up: the user row, then its identity, in one transaction."""
    user_id = uuid.uuid4()
    email = email or f"{user_id.hex[:8]}@example.com"
    provider_id = str(user_id) if provider == "email" else f"{provider}-{user_id.hex[:8]}"
    with conn.transaction():
        conn.execute(
            "INSERT INTO users (id, aud, role, email, raw_app_meta_data, created_at) "
            "VALUES (%s, 'authenticated', 'authenticated', %s, %s, now())",
            [
                user_id,
                email,
                psycopg.types.json.Jsonb({"provider": provider, "providers": [provider]}),
            ],
        )
        conn.execute(
            "INSERT INTO identities (provider_id, user_id, identity_data, provider) "
            "VALUES (%s, %s, %s, %s)",
            [provider_id, user_id, psycopg.types.json.Jsonb({"email": email}), provider],
        )
    return user_id


def test_sign_up_as_supabase_auth_admin__creates_exactly_one_default_profile():
    with connect(user="supabase_auth_admin") as conn:
        user_id = sign_up(conn)
    profiles = list(
        UserProfile.objects.filter(user_id=user_id).values(
            "role", "is_active", "sso_provider", "sso_user_id", "deactivated_at"
        )
    )
    assert profiles == [
        {
            "role": "user",
            "is_active": True,
            "sso_provider": None,
            "sso_user_id": None,
            "deactivated_at": None,
        }
    ]


def test_oauth_sign_up__fills_sso_provider_and_the_providers_user_id():
    with connect(user="supabase_auth_admin") as conn:
        user_id = sign_up(conn, provider="github")
    profile = UserProfile.objects.get(user_id=user_id)
    assert (profile.sso_provider, profile.sso_user_id) == ("github", f"github-{user_id.hex[:8]}")


def test_profile_made_earlier_in_the_same_transaction__does_not_fail_the_sign_up():
    # The common case: a project's own "handle_new_user" trigger, which fires before
    # ours (same event, name order), already inserted the profile.
    with connect() as admin:
        admin.execute(
            """
            CREATE FUNCTION public.test_handle_new_user() RETURNS trigger
            LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
            BEGIN
                INSERT INTO public.user_profiles (user_id, role) VALUES (NEW.id, 'admin');
                RETURN NEW;
            END $$;
            CREATE TRIGGER a_handle_new_user AFTER INSERT ON auth.users
                FOR EACH ROW EXECUTE FUNCTION public.test_handle_new_user();
            """
        )
    try:
        with connect(user="supabase_auth_admin") as conn:
            user_id = sign_up(conn)
    finally:
        with connect() as admin:
            admin.execute(
                "DROP TRIGGER a_handle_new_user ON auth.users; "
                "DROP FUNCTION public.test_handle_new_user()"
            )
    assert AuthUser.objects.filter(pk=user_id).exists()
    roles = list(UserProfile.objects.filter(user_id=user_id).values_list("role", flat=True))
    assert roles == ["admin"]
    assert not TriggerFailure.objects.exists()


def test_failure_inside_the_trigger__keeps_the_user_and_records_the_failure():
    with connect() as admin:
        admin.execute(
            "ALTER TABLE public.user_profiles "
            "ADD CONSTRAINT test_refuse_all CHECK (role <> 'user') NOT VALID"
        )
    try:
        with connect(user="supabase_auth_admin") as conn:
            user_id = sign_up(conn)
    finally:
        with connect() as admin:
            admin.execute("ALTER TABLE public.user_profiles DROP CONSTRAINT test_refuse_all")
    assert AuthUser.objects.filter(pk=user_id).exists()
    assert not UserProfile.objects.filter(user_id=user_id).exists()
    failure = TriggerFailure.objects.get(user_id=user_id)
    assert (failure.source, failure.sqlstate, failure.resolved_at) == (
        "on_auth_user_created",
        "23514",
        None,
    )
    assert "test_refuse_all" in failure.message


def test_deleting_an_auth_user__deletes_their_profile():
    with connect(user="supabase_auth_admin") as conn:
        user_id = sign_up(conn)
        conn.execute("DELETE FROM users WHERE id = %s", [user_id])
    assert not UserProfile.objects.filter(user_id=user_id).exists()


def test_deleting_a_user_named_in_deactivated_by__succeeds_and_clears_it():
    with connect(user="supabase_auth_admin") as conn:
        staff_id = sign_up(conn)
        member_id = sign_up(conn)
    UserProfile.objects.filter(user_id=member_id).update(is_active=False, deactivated_by=staff_id)
    with connect(user="supabase_auth_admin") as conn:
        conn.execute("DELETE FROM users WHERE id = %s", [staff_id])
    member = UserProfile.objects.get(user_id=member_id)
    assert (member.is_active, member.deactivated_by_id) == (False, None)


def test_updated_at__is_kept_current_by_the_database():
    with connect(user="supabase_auth_admin") as conn:
        user_id = sign_up(conn)
    with connect() as admin:
        before = admin.execute(
            "SELECT updated_at FROM public.user_profiles WHERE user_id = %s", [user_id]
        ).fetchone()[0]
        admin.execute(
            "UPDATE public.user_profiles SET role = 'admin' WHERE user_id = %s", [user_id]
        )
        after = admin.execute(
            "SELECT updated_at FROM public.user_profiles WHERE user_id = %s", [user_id]
        ).fetchone()[0]
    assert after > before
