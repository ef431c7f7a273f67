from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection, connections

from tests.db import closed_port
from tests.factories import AuthUserFactory, insert_session
from tests.tokens import make_token
from usersync.access.jwks import key_cache
from usersync.models import UserProfile


@pytest.fixture
def auth_user_factory(db):
    return AuthUserFactory


@pytest.fixture(autouse=True)
def _clean_unmanaged_tables(request):
    """Transactional tests commit; Django's flush does not know auth.users or the
    usersync schema's tables, so empty them here."""
    yield
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE auth.users, usersync.sync_runs, usersync.sync_lease, "
            "usersync.trigger_failures CASCADE"
        )
        # The access token hook's count of failures it could not record (0 again).
        cursor.execute(
            "SELECT setval(to_regclass('usersync.access_token_hook_unrecorded_failures'), 1, false)"
        )


@pytest.fixture
def view_only_client(client, django_user_model):
    """A staff member who may look at profiles, users without one and the audit log,
    and change nothing."""
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user(
        "viewer", "viewer@example.com", "pw", is_staff=True
    )
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="usersync",
            codename__in=["view_userprofile", "view_userwithoutprofile", "view_adminauditlog"],
        )
    )
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    key_cache.cache_clear()


@pytest.fixture
def make_admin(db):
    """An auth user whose profile has the admin role (active unless told otherwise)."""

    def make(active: bool = True, **fields):
        user = AuthUserFactory(**fields)
        UserProfile.objects.filter(user_id=user.pk).update(role="admin", is_active=active)
        return user

    return make


@pytest.fixture
def admin(make_admin):
    return make_admin()


@pytest.fixture
def admin_headers(admin):
    """An admin's token of a live session, as the auth service issues it."""
    token = make_token(admin.pk, email=admin.email, session_id=str(insert_session(admin.pk)))
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def database_down(transactional_db):
    """Django's connection pointed at a real closed port on this machine: connecting
    fails at once with 'connection refused'. Restored before the test's cleanup."""
    port = closed_port()
    wrapper = connections["default"]
    original = wrapper.get_connection_params

    def closed_port_params():
        params = original()
        wrapper.settings_dict.update(HOST="127.0.0.1", PORT=str(port))
        return params | {"host": "127.0.0.1", "port": port}

    saved = dict(wrapper.settings_dict)
    wrapper.close()
    wrapper.get_connection_params = closed_port_params
    try:
        yield port
    finally:
        del wrapper.get_connection_params
        wrapper.close()
        wrapper.settings_dict.update(saved)
