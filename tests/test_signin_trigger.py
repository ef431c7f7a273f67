"""on_auth_user_signed_in: a sign-in, as the auth service writes it (an UPDATE of
auth.users.last_sign_in_at by supabase_auth_admin on its own connection), moves the
profile's last_login, and never fails the sign-in, even while the profile table is
locked past the trigger's lock timeout."""

from __future__ import annotations

import datetime as dt
import uuid

import psycopg
import pytest

from tests.db import connect
from tests.test_trigger import sign_up
from usersync import sync
from usersync.models import AuthUser, TriggerFailure, UserProfile

pytestmark = pytest.mark.django_db(transaction=True)

T0 = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


def sign_in(conn: psycopg.Connection, user_id: uuid.UUID, at: dt.datetime) -> None:
    """What the auth service does at a sign-in (models.User.UpdateLastSignInAt)."""
    conn.execute("UPDATE users SET last_sign_in_at = %s WHERE id = %s", [at, user_id])


def last_login(user_id: uuid.UUID) -> dt.datetime | None:
    return UserProfile.objects.values_list("last_login", flat=True).get(user_id=user_id)


def test_sign_in_as_supabase_auth_admin__moves_last_login_each_time():
    with connect(user="supabase_auth_admin") as conn:
        user_id = sign_up(conn)
        assert last_login(user_id) is None
        sign_in(conn, user_id, T0)
        assert last_login(user_id) == T0
        sign_in(conn, user_id, T0 + dt.timedelta(days=1))
    assert last_login(user_id) == T0 + dt.timedelta(days=1)
    assert not TriggerFailure.objects.exists()


def test_sign_in_older_than_the_profiles_last_login__does_not_move_it_back():
    with connect(user="supabase_auth_admin") as conn:
        user_id = sign_up(conn)
        UserProfile.objects.filter(user_id=user_id).update(last_login=T0)
        sign_in(conn, user_id, T0 - dt.timedelta(hours=1))
    assert last_login(user_id) == T0


def test_other_updates_of_the_user__leave_last_login_as_it_is():
    with connect(user="supabase_auth_admin") as conn:
        user_id = sign_up(conn)
        sign_in(conn, user_id, T0)
        UserProfile.objects.filter(user_id=user_id).update(last_login=None)
        conn.execute(
            "UPDATE users SET email_confirmed_at = now(), last_sign_in_at = last_sign_in_at "
            "WHERE id = %s",
            [user_id],
        )
    assert last_login(user_id) is None


def test_sign_in_while_user_profiles_is_locked__goes_through_and_records_the_failure():
    with connect(user="supabase_auth_admin") as auth:
        user_id = sign_up(auth)
        with connect(autocommit=False) as locker:
            locker.execute("LOCK TABLE public.user_profiles IN ACCESS EXCLUSIVE MODE")
            # The lock is held (LOCK returned) before the sign-in starts, and until it
            # has ended: the trigger's UPDATE must give up after its lock timeout.
            sign_in(auth, user_id, T0)
            signed_in = auth.execute(
                "SELECT last_sign_in_at FROM users WHERE id = %s", [user_id]
            ).fetchone()[0]
            locker.rollback()
    assert signed_in == T0
    assert AuthUser.objects.get(pk=user_id).last_sign_in_at == T0
    assert last_login(user_id) is None
    failure = TriggerFailure.objects.get(user_id=user_id)
    assert (failure.source, failure.sqlstate, failure.resolved_at) == (
        "on_auth_user_signed_in",
        "55P03",  # lock_not_available: the lock timeout
        None,
    )


def test_sign_in_while_the_failure_table_is_locked_too__warns_and_goes_through():
    warnings: list[str] = []
    with connect(user="supabase_auth_admin") as auth:
        user_id = sign_up(auth)
        auth.add_notice_handler(lambda d: warnings.append(d.message_primary or ""))
        with connect(autocommit=False) as locker:
            locker.execute(
                "LOCK TABLE public.user_profiles, usersync.trigger_failures "
                "IN ACCESS EXCLUSIVE MODE"
            )
            sign_in(auth, user_id, T0)
            locker.rollback()
    assert AuthUser.objects.get(pk=user_id).last_sign_in_at == T0
    assert last_login(user_id) is None
    assert not TriggerFailure.objects.filter(user_id=user_id).exists()
    assert [w for w in warnings if w.startswith("usersync: last_login of user")] == [
        f"usersync: last_login of user {user_id} not moved "
        "(canceling statement due to lock timeout)"
    ]


def test_sync__repairs_a_last_login_older_than_the_last_sign_in_and_the_failure():
    with connect(user="supabase_auth_admin") as auth:
        stale = sign_up(auth)
        current = sign_up(auth)
        sign_in(auth, current, T0)
        with connect(autocommit=False) as locker:
            locker.execute("LOCK TABLE public.user_profiles IN ACCESS EXCLUSIVE MODE")
            sign_in(auth, stale, T0)
            locker.rollback()
    UserProfile.objects.filter(user_id=stale).update(last_login=T0 - dt.timedelta(days=30))
    result = sync.sync(triggered_by="test")
    assert (result.created, result.filled) == (0, 1)
    assert (last_login(stale), last_login(current)) == (T0, T0)
    assert TriggerFailure.objects.get(user_id=stale).resolved_at is not None
