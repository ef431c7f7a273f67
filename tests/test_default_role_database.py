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
