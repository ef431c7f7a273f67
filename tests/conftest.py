from __future__ import annotations

import pytest
from django.db import connection

from tests.factories import AuthUserFactory


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
