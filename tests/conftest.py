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
