"""The database router for Supabase as a second database (no queries: routing only;
tests/test_two_databases.py runs it against two real databases)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.sessions.models import Session
from django.db import router
from django.test import override_settings

from usersync.db.connection import migrate_command
from usersync.db.lockdown import django_table_names
from usersync.models import AuthUser, StaffLink, UserProfile
from usersync.routers import UsersyncRouter, routing_problem

ROUTED = override_settings(
    USERSYNC_DATABASE="supabase", DATABASE_ROUTERS=["usersync.routers.UsersyncRouter"]
)


@ROUTED
@pytest.mark.parametrize("model", [UserProfile, AuthUser, StaffLink])
def test_router__sends_usersyncs_models_to_its_database(model):
    assert router.db_for_read(model) == "supabase"
    assert router.db_for_write(model) == "supabase"


@ROUTED
def test_router__leaves_djangos_models_where_they_are():
    assert UsersyncRouter().db_for_read(User) is None
    assert router.db_for_read(Session) == "default"


@ROUTED
def test_router__reads_a_staff_links_user_from_djangos_database_not_the_links():
    link = StaffLink(user_id=1)
    link._state.db = "supabase"
    assert router.db_for_read(User, instance=link) == "default"
    assert router.db_for_write(User, instance=link) == "default"
    # The other way round the link is usersync's, whatever the user's database.
    user = User(pk=1)
    user._state.db = "default"
    assert router.db_for_read(StaffLink, instance=user) == "supabase"


@ROUTED
@pytest.mark.parametrize(
    "database, app_label, allowed",
    [
        ("supabase", "usersync", True),
        ("supabase", "supabase_local", True),
        ("default", "usersync", False),
        ("default", "supabase_local", False),
        ("supabase", "auth", False),
        ("supabase", "sessions", False),
        ("default", "auth", True),
        ("default", "admin", True),
    ],
)
def test_router__migrates_each_app_only_in_its_database(database, app_label, allowed):
    assert router.allow_migrate(database, app_label) is allowed


@override_settings(
    USERSYNC_DATABASE="default", DATABASE_ROUTERS=["usersync.routers.UsersyncRouter"]
)
def test_router__keeps_everything_in_default_when_usersync_is_there():
    assert router.allow_migrate("default", "usersync")
    assert router.allow_migrate("default", "auth")
    assert not router.allow_migrate("other", "usersync")
    assert router.allow_migrate("other", "auth")  # the host's business, not usersync's
    assert router.db_for_write(UserProfile) == "default"


@ROUTED
def test_router__allows_usersyncs_relations_and_the_staff_links_user_only():
    link, profile = StaffLink(), UserProfile()
    link._state.db = profile._state.db = "supabase"
    user, group = User(), Group()
    user._state.db = group._state.db = "default"
    assert router.allow_relation(link, user)
    assert router.allow_relation(user, link)
    assert router.allow_relation(link, profile)
    assert not router.allow_relation(profile, group)  # Django's default: not across databases
    assert UsersyncRouter().allow_relation(user, group) is None


@ROUTED
def test_django_table_names__are_the_tables_migrate_creates_in_that_database():
    assert django_table_names("supabase") == ["django_migrations", "usersync_staff_links"]
    in_default = django_table_names("default")
    assert {"auth_user", "django_session", "django_admin_log"} <= set(in_default)
    assert "usersync_staff_links" not in in_default


def test_routing_problem__none_when_usersync_uses_default():
    assert routing_problem() is None


@override_settings(USERSYNC_DATABASE="supabase")
def test_routing_problem__names_the_missing_router():
    assert routing_problem() == (
        "USERSYNC_DATABASE is 'supabase' but usersync's models are routed to 'default': "
        "add 'usersync.routers.UsersyncRouter' to DATABASE_ROUTERS"
    )


@ROUTED
def test_routing_problem__none_with_the_router():
    assert routing_problem() is None


def test_migrate_command__is_plain_for_the_default_database():
    assert migrate_command("usersync") == "python manage.py migrate usersync"


@override_settings(USERSYNC_DATABASE="supabase")
def test_migrate_command__names_usersyncs_database():
    assert migrate_command() == "python manage.py migrate --database supabase"
