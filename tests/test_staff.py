"""Which Supabase auth user a Django staff account is: an explicit link, else its e-mail."""

from __future__ import annotations

import psycopg
import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone

from tests.db import as_api_role, connect
from usersync.db.lockdown import django_table_names
from usersync.logs.audit import Actor
from usersync.models import AdminAuditLog, StaffLink
from usersync.staff.identity import actor_for, linked_auth_user_id, remove_link, set_link

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_user():
    return User.objects.create_user("alice", "Alice@Example.com", "pw", is_staff=True)


def test_linked_auth_user__matches_a_non_sso_email_whatever_its_case(staff_user, auth_user_factory):
    auth_user_factory(
        email="alice@example.com", provider="sso:7b1ac6a2-4a38-4a4e-9d5e-1f0c2d3e4f50"
    )
    own = auth_user_factory(email="alice@example.com")
    assert linked_auth_user_id(staff_user) == own.pk
    assert actor_for(staff_user) == Actor("admin:alice", own.pk)


def test_linked_auth_user__is_none_for_an_sso_only_deleted_or_missing_email(
    staff_user, auth_user_factory
):
    auth_user_factory(
        email="alice@example.com", provider="sso:7b1ac6a2-4a38-4a4e-9d5e-1f0c2d3e4f50"
    )
    auth_user_factory(email="ALICE@example.com", deleted_at=timezone.now())
    assert linked_auth_user_id(staff_user) is None
    nobody = User.objects.create_user("bob", "", "pw", is_staff=True)
    assert actor_for(nobody) == Actor("admin:bob", None)


def test_linked_auth_user__is_none_for_an_unconfirmed_email(staff_user, auth_user_factory):
    """Anyone may sign up with a staff member's address; until confirmed, it is not theirs."""
    auth_user_factory(email="alice@example.com", confirmed=False)
    assert linked_auth_user_id(staff_user) is None


def test_set_link__overrides_the_email_match_and_is_audited(staff_user, auth_user_factory):
    auth_user_factory(email="alice@example.com")
    sso = auth_user_factory(
        email="a.smith@corp.example", provider="sso:7b1ac6a2-4a38-4a4e-9d5e-1f0c2d3e4f50"
    )
    root = Actor("admin:root")
    link = set_link(staff_user, sso.pk, root)
    assert linked_auth_user_id(staff_user) == sso.pk
    entry = AdminAuditLog.objects.get()
    assert (entry.actor, entry.action, entry.target_user_id) == (
        "admin:root",
        "staff_link_set",
        sso.pk,
    )
    assert (entry.old_values, entry.new_values, entry.details) == (
        {"auth_user_id": None},
        {"auth_user_id": str(sso.pk)},
        {"django_user": "alice"},
    )
    remove_link(link, root)
    assert not StaffLink.objects.exists()
    removed = AdminAuditLog.objects.latest("id")
    assert (removed.action, removed.old_values) == (
        "staff_link_removed",
        {"auth_user_id": str(sso.pk)},
    )


def test_deleting_a_staff_account__removes_its_link(staff_user, auth_user_factory):
    set_link(staff_user, auth_user_factory().pk, Actor("admin:root"))
    staff_user.delete()
    assert not StaffLink.objects.exists()


def test_staff_links_table__is_locked_down_like_djangos_own(staff_user, auth_user_factory):
    set_link(staff_user, auth_user_factory().pk, Actor("admin:root"))
    assert "usersync_staff_links" in django_table_names()
    for role in ("anon", "authenticated"):
        with as_api_role(role) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT * FROM public.usersync_staff_links")


@pytest.mark.django_db(transaction=True)
def test_staff_links_migration__rolls_back_and_forward(auth_user_factory):
    try:
        call_command("migrate", "usersync", "0003", verbosity=0)
        with connect() as conn:
            exists = conn.execute("SELECT to_regclass('public.usersync_staff_links')").fetchone()
        assert exists == (None,)
    finally:
        call_command("migrate", verbosity=0)
    user = User.objects.create_user("carol", "carol@example.com", "pw", is_staff=True)
    set_link(user, auth_user_factory().pk, Actor("admin:root"))
    assert StaffLink.objects.count() == 1
