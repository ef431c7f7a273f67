"""usersync's indexes on user_profiles: each serves a query (profile_indexes.v1.sql
lists which), and user_profiles_deactivated_by_idx holds only the profiles someone
deactivated, yet still serves its foreign key's lookup when an auth user is deleted."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from usersync.models import UserProfile


def profile_indexes() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes "
            "WHERE schemaname = 'public' AND tablename = 'user_profiles' ORDER BY indexname"
        )
        return dict(cursor.fetchall())


def plan_of(sql: str, params: list) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.django_db
def test_user_profiles__has_exactly_the_audited_indexes():
    indexes = profile_indexes()
    assert sorted(indexes) == [
        "user_profiles_created_at_id_idx",
        "user_profiles_deactivated_by_idx",
        "user_profiles_inactive_idx",
        "user_profiles_pkey",
        "user_profiles_role_idx",
        "user_profiles_sso_provider_idx",
        "user_profiles_user_id_key",
    ]
    assert indexes["user_profiles_deactivated_by_idx"].endswith(
        "(deactivated_by) WHERE (deactivated_by IS NOT NULL)"
    )


@pytest.mark.django_db
def test_a_sign_up_profile__has_no_entry_in_the_deactivated_by_index(auth_user_factory):
    auth_user_factory.create_batch(3)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM public.user_profiles WHERE deactivated_by IS NULL")
        assert cursor.fetchone()[0] == 3
        cursor.execute("SELECT count(*) FROM public.user_profiles WHERE deactivated_by IS NOT NULL")
        assert cursor.fetchone()[0] == 0


@pytest.mark.django_db
def test_the_foreign_keys_lookup_on_deleting_a_user__uses_the_partial_index(auth_user_factory):
    staff, user = auth_user_factory(), auth_user_factory()
    UserProfile.objects.filter(user_id=user.pk).update(is_active=False, deactivated_by=staff.pk)
    # The statement PostgreSQL's ON DELETE SET NULL runs (ri_triggers.c), with its parameter.
    plan = plan_of(
        "UPDATE ONLY public.user_profiles SET deactivated_by = NULL "
        "WHERE %s::uuid OPERATOR(pg_catalog.=) deactivated_by",
        [staff.pk],
    )
    assert "user_profiles_deactivated_by_idx" in plan
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM auth.users WHERE id = %s", [staff.pk])
    assert UserProfile.objects.get(user_id=user.pk).deactivated_by is None


@pytest.mark.django_db
def test_the_last_active_admin_guard__looks_up_the_role_by_its_index():
    plan = plan_of(
        "SELECT 1 FROM public.user_profiles WHERE role = %s AND is_active LIMIT 1", ["admin"]
    )
    assert "user_profiles_role_idx" in plan


@pytest.mark.django_db(transaction=True)
def test_profile_indexes_migration__rolls_back_to_the_full_index_and_reapplies():
    try:
        call_command("migrate", "usersync", "0020", verbosity=0)
        assert profile_indexes()["user_profiles_deactivated_by_idx"].endswith("(deactivated_by)")
    finally:
        call_command("migrate", verbosity=0)
    assert "WHERE" in profile_indexes()["user_profiles_deactivated_by_idx"]


@pytest.mark.django_db
def test_ban_check__starts_from_the_inactive_profiles_index():
    from usersync.db.sql import query

    sql = query("ban_drift_lock").replace("%(after)s", "%s").replace("%(limit)s", "%s")
    plan = plan_of(sql, ["00000000-0000-0000-0000-000000000000", 100])
    assert "user_profiles_inactive_idx" in plan
