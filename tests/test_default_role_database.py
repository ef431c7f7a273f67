"""USERSYNC_DEFAULT_ROLE reaches the database: the sign-up trigger, the access token
hook, the sync and --no-preserve give new (or reset) profiles the same role as the
Python paths, and verify_migration notices when the database says otherwise."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.auth_hook import call_hook, make_event
from usersync.models import UserProfile
from usersync.sync.defaults import store_default_role, stored_default_role

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def member_by_default(settings):
    settings.USERSYNC_ALLOWED_ROLES = ["member", "admin"]
    settings.USERSYNC_DEFAULT_ROLE = "member"
    store_default_role()
    yield
    settings.USERSYNC_DEFAULT_ROLE = "user"
    settings.USERSYNC_ALLOWED_ROLES = ["user", "admin"]
    store_default_role()


def role_of(user) -> str:
    return UserProfile.objects.get(user_id=user.pk).role


def test_store_default_role__writes_the_setting_once(member_by_default, settings):
    assert stored_default_role() == "member"
    assert store_default_role() is False


def test_sign_up_trigger__gives_the_default_role(member_by_default, auth_user_factory):
    user = auth_user_factory()
    assert role_of(user) == "member"


def test_sync__gives_the_default_role(member_by_default, auth_user_factory):
    user = auth_user_factory(with_profile=False)
    call_command("sync_users", stdout=StringIO())
    assert role_of(user) == "member"


def test_sync_no_preserve__resets_to_the_default_role(member_by_default, auth_user_factory):
    user = auth_user_factory()
    UserProfile.objects.filter(user_id=user.pk).update(role="admin")
    call_command("sync_users", "--no-preserve", "--yes", stdout=StringIO())
    assert role_of(user) == "member"


def test_access_token_hook__gives_a_new_profile_the_default_role(
    member_by_default, auth_user_factory
):
    user = auth_user_factory(with_profile=False)
    output = call_hook(make_event(user.pk))
    assert output["claims"]["user_role"] == "member"
    assert role_of(user) == "member"


def test_verify_migration__names_a_stale_default_role_and_repair_writes_it(settings):
    settings.USERSYNC_ALLOWED_ROLES = ["member", "admin"]
    settings.USERSYNC_DEFAULT_ROLE = "member"
    try:
        out = StringIO()
        with pytest.raises(CommandError):
            call_command("verify_migration", "--json", stdout=out, stderr=StringIO())
        failed = [c for c in json.loads(out.getvalue())["checks"] if not c["ok"]]
        assert [(c["name"], c["detail"]) for c in failed] == [
            (
                "new profiles get USERSYNC_DEFAULT_ROLE",
                "the database gives 'user', USERSYNC_DEFAULT_ROLE is 'member'",
            )
        ]
        call_command("verify_migration", "--repair", stdout=StringIO())
        assert stored_default_role() == "member"
    finally:
        settings.USERSYNC_DEFAULT_ROLE = "user"
        store_default_role()


@pytest.fixture
def admin_by_default(settings):
    """USERSYNC_DEFAULT_ROLE=admin in a process that ran no system checks (gunicorn, a
    shell): usersync.E005 never saw it."""
    settings.USERSYNC_DEFAULT_ROLE = "admin"
    yield
    settings.USERSYNC_DEFAULT_ROLE = "user"


def test_admin_default_role__sync_refuses_and_stores_nothing(admin_by_default, auth_user_factory):
    import usersync
    from usersync.errors import Misconfigured

    user = auth_user_factory(with_profile=False)
    with pytest.raises(Misconfigured, match="USERSYNC_DEFAULT_ROLE and USERSYNC_ADMIN_ROLE"):
        usersync.sync_users()
    assert stored_default_role() == "user"
    assert not UserProfile.objects.filter(user_id=user.pk).exists()
    # And the trigger keeps giving sign-ups the stored, non-admin role.
    assert role_of(auth_user_factory()) == "user"


@pytest.mark.urls("tests.urls")
def test_admin_default_role__api_sync_and_just_in_time_profile_are_refused(
    admin_by_default, client, admin_headers, auth_user_factory
):
    from tests.tokens import bearer, make_token

    user = auth_user_factory(with_profile=False)
    response = client.post(
        "/api/sync", "{}", content_type="application/json", headers=admin_headers
    )
    assert response.status_code == 503
    assert "USERSYNC_DEFAULT_ROLE" in response.json()["error"]
    whoami = client.get("/app/whoami", headers=bearer(make_token(user.pk)))
    assert whoami.status_code == 503
    assert not UserProfile.objects.filter(user_id=user.pk).exists()
    assert stored_default_role() == "user"


def test_admin_default_role__sync_users_command_is_one_line_exit_2(admin_by_default):
    with pytest.raises(CommandError) as error:
        call_command("sync_users", stdout=StringIO(), skip_checks=True)
    assert error.value.returncode == 2
    assert len(str(error.value).splitlines()) == 1


def test_profile_settings__the_database_refuses_an_admin_default_whoever_writes_it():
    import psycopg

    from tests.db import connect

    with connect() as admin, pytest.raises(psycopg.errors.CheckViolation):
        admin.execute("UPDATE usersync.profile_settings SET default_role = 'admin'")
    assert stored_default_role() == "user"
