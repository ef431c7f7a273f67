"""Load and contention with real concurrent connections: sign-ups and staff edits
while a sync runs. Nothing fails, nothing is duplicated, no staff value is lost."""

from __future__ import annotations

import random
import threading
import uuid

import psycopg
import pytest
from django.db import connection

from tests.db import connect
from usersync import sync
from usersync.contrib.supabase_local import demo_data

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

SYNC_USERS = 200_000
SIGN_UPS = 20_000
SIGN_UP_CONNECTIONS = 4


def sign_up(count: int, errors: list) -> None:
    try:
        with connect(user="supabase_auth_admin") as conn:
            for _ in range(count):
                user_id = uuid.uuid4()
                with conn.transaction():
                    conn.execute(
                        "INSERT INTO users (id, aud, role, email, raw_app_meta_data) "
                        "VALUES (%s, 'authenticated', 'authenticated', %s, %s)",
                        [
                            user_id,
                            f"{user_id.hex}@example.com",
                            psycopg.types.json.Jsonb({"provider": "email"}),
                        ],
                    )
    except Exception as error:  # collected; the test fails on any
        errors.append(error)


def fetch(sql: str) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()


def test_20k_sign_ups_during_a_200k_sync__no_error_and_exactly_one_profile_each():
    demo_data.seed(SYNC_USERS, without_profiles=1.0)
    errors: list = []
    threads = [
        threading.Thread(target=sign_up, args=(SIGN_UPS // SIGN_UP_CONNECTIONS, errors))
        for _ in range(SIGN_UP_CONNECTIONS)
    ]
    for thread in threads:
        thread.start()
    result = sync.sync(batch_size=5_000)
    for thread in threads:
        thread.join()
    assert errors == []
    assert result.created >= SYNC_USERS
    users, profiles, duplicates = fetch(
        "SELECT (SELECT count(*) FROM auth.users), (SELECT count(*) FROM public.user_profiles), "
        "(SELECT count(*) FROM (SELECT user_id FROM public.user_profiles GROUP BY user_id "
        "HAVING count(*) > 1) d)"
    )
    assert (users, profiles, duplicates) == (SYNC_USERS + SIGN_UPS, SYNC_USERS + SIGN_UPS, 0)


def staff_edits(user_ids: list[uuid.UUID], done: threading.Event, errors: list) -> None:
    """What staff do in the admin: deactivate with a reason, make admins, set an SSO id."""
    try:
        with connect() as conn:
            for index, user_id in enumerate(user_ids):
                with conn.transaction():
                    conn.execute(
                        "UPDATE public.user_profiles SET role = 'admin', is_active = false, "
                        "deactivated_at = now(), deactivation_reason = %s, "
                        "sso_provider = 'staff-set', sso_user_id = %s WHERE user_id = %s",
                        [f"edit {index}", f"staff-{index}", user_id],
                    )
    except Exception as error:  # collected; the test fails on any
        errors.append(error)
    finally:
        done.set()


def test_staff_edits_on_the_same_rows_during_a_sync__none_is_overwritten():
    demo_data.seed(20_000, without_profiles=0.5)
    with connection.cursor() as cursor:
        # Profiles whose last_login the sync fills (the trigger copied it at sign-up).
        cursor.execute(
            "UPDATE public.user_profiles p SET last_login = NULL FROM auth.users u "
            "WHERE u.id = p.user_id AND u.last_sign_in_at IS NOT NULL RETURNING p.user_id"
        )
        fillable = sorted(row[0] for row in cursor.fetchall())
    edited = random.Random(7).sample(fillable, 1_000)
    errors: list = []
    done = threading.Event()
    editor = threading.Thread(target=staff_edits, args=(edited, done, errors))
    editor.start()
    passes = 0
    while not done.is_set() or passes == 0:
        sync.sync(batch_size=500)
        passes += 1
    editor.join()
    assert errors == []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM public.user_profiles WHERE user_id = ANY(%s) AND role = 'admin' "
            "AND is_active = false AND deactivation_reason LIKE 'edit %%' "
            "AND sso_provider = 'staff-set' AND sso_user_id LIKE 'staff-%%' "
            "AND last_login IS NOT NULL",
            [edited],
        )
        assert cursor.fetchone()[0] == len(edited)
