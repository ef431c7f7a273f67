"""Rows read by column name: the helper, and every result type a query fills, checked
with data in which a swap of two values would show."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from tests.factories import AuthUserFactory, profile_of
from usersync import sync
from usersync.access import accounts
from usersync.api import directory
from usersync.db.rows import as_dicts, build, fetch_all, fetch_one, fetch_value
from usersync.errors import RowShapeError
from usersync.models import SyncRun, TriggerFailure, UserProfile
from usersync.sync import lease, profiles, walk

pytestmark = pytest.mark.django_db
PACKAGE = Path(__file__).resolve().parent.parent / "usersync"


@dataclass(frozen=True)
class Pair:
    first: int
    second: str
    note: str = "none"


def run(sql: str, params: dict | None = None):
    cursor = connection.cursor()
    cursor.execute(sql, params)
    return cursor


def test_fetch_one__maps_by_name_whatever_the_order_of_the_columns():
    forward = fetch_one(run("SELECT 1 AS first, 'b' AS second"), into=Pair)
    backward = fetch_one(run("SELECT 'b' AS second, 1 AS first"), into=Pair)
    assert forward == backward == Pair(first=1, second="b")


def test_fetch_one__without_a_type_is_a_dict_of_column_names():
    assert fetch_one(run("SELECT 'b' AS second, 1 AS first")) == {"first": 1, "second": "b"}


def test_fetch_one__no_row_is_none():
    assert fetch_one(run("SELECT 1 AS first, 'b' AS second WHERE false"), into=Pair) is None


def test_fetch_one__a_field_with_a_default_may_have_no_column():
    assert fetch_one(run("SELECT 1 AS first, 'b' AS second"), into=Pair).note == "none"
    assert fetch_one(run("SELECT 1 AS first, 'b' AS second, 'n' AS note"), into=Pair).note == "n"


def test_fetch_one__refuses_a_field_no_column_fills_and_names_it():
    with pytest.raises(RowShapeError, match=r"do not match Pair's fields \(missing: second\)"):
        fetch_one(run("SELECT 1 AS first"), into=Pair)


def test_fetch_one__refuses_a_column_the_type_has_no_field_for_and_names_it():
    with pytest.raises(RowShapeError, match=r"unexpected: secnd"):
        fetch_one(run("SELECT 1 AS first, 'b' AS secnd"), into=Pair)


def test_fetch_one__refuses_two_columns_of_one_name():
    with pytest.raises(RowShapeError, match="several columns named first: alias them"):
        fetch_one(run("SELECT 1 AS first, 2 AS first, 'b' AS second"), into=Pair)


def test_fetch_one__extra_fields_join_the_columns_but_may_not_repeat_one():
    assert fetch_one(run("SELECT 1 AS first"), into=Pair, second="x") == Pair(1, "x")
    with pytest.raises(RowShapeError, match="given twice: first"):
        fetch_one(run("SELECT 1 AS first, 'b' AS second"), into=Pair, first=2)


def test_fetch_all__maps_every_row_by_name():
    cursor = run("SELECT 'x' || n AS second, n AS first FROM generate_series(1, 3) n ORDER BY n")
    assert fetch_all(cursor, into=Pair) == [Pair(1, "x1"), Pair(2, "x2"), Pair(3, "x3")]


def test_as_dicts__keys_are_the_column_names():
    cursor = run("SELECT n AS number, n * n AS square FROM generate_series(2, 3) n ORDER BY n")
    assert as_dicts(cursor) == [{"number": 2, "square": 4}, {"number": 3, "square": 9}]


def test_fetch_value__the_one_value_or_the_default_when_no_row():
    assert fetch_value(run("SELECT count(*) FROM generate_series(1, 4)")) == 4
    assert fetch_value(run("SELECT 1 WHERE false"), default=-1) == -1


def test_fetch_value__refuses_a_query_of_several_columns():
    with pytest.raises(RowShapeError, match="expected one column, the query returns 2: a, b"):
        fetch_value(run("SELECT 1 AS a, 2 AS b"))


def test_build__refuses_a_type_that_is_not_a_dataclass():
    with pytest.raises(TypeError):
        build(dict, {"a": 1})


def test_usersync__reads_no_row_by_position():
    """Only usersync.db.rows calls fetchone()/fetchall(); nobody unpacks a row."""
    offenders = [
        f"{path.relative_to(PACKAGE)}:{number}"
        for path in PACKAGE.rglob("*.py")
        if path.name != "rows.py" and "migrations" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if ".fetchone()" in line or ".fetchall()" in line or "(*row" in line
    ]
    assert offenders == []


def make_users():
    """8 auth users: 5 with a profile (3 of them anonymous), 2 missing one, 1 deleted;
    and 4 orphan profiles. Every count differs from every other."""
    for _ in range(2):
        AuthUserFactory()
    for _ in range(3):
        AuthUserFactory(is_anonymous=True, email=None)
    missing = [AuthUserFactory(with_profile=False) for _ in range(2)]
    AuthUserFactory(with_profile=False, deleted_at=timezone.now())
    for _ in range(4):
        UserProfile.objects.create(user=None)
    return missing


def test_sync_status__each_count_reaches_its_own_field():
    missing = make_users()
    for user in missing:
        TriggerFailure.objects.create(
            user_id=user.pk, source="on_auth_user_created", sqlstate="42501", message="denied"
        )
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE auth.users DISABLE TRIGGER on_auth_user_created")
    status = sync.status()
    counts = {
        "total_auth_users": 8,
        "total_profiles": 9,
        "missing_profiles": 2,
        "orphan_profiles": 4,
        "soft_deleted_users": 1,
        "anonymous_users": 3,
    }
    assert {name: getattr(status, name) for name in counts} == counts
    assert status.trigger_installed is True and status.trigger_enabled is False
    assert status.trigger_failures == 2


def test_last_sync__each_column_reaches_its_own_field():
    started = timezone.now() - dt.timedelta(minutes=5)
    run_ = SyncRun.objects.create(
        batch_size=10,
        triggered_by="tester",
        status="failed",
        error="boom",
        created=11,
        filled=12,
        reset=13,
        batches=14,
        finished_at=started + dt.timedelta(seconds=90),
    )
    SyncRun.objects.filter(pk=run_.pk).update(started_at=started)
    last = sync.last_sync()
    assert (last.id, last.status, last.triggered_by, last.error) == (
        run_.pk,
        "failed",
        "tester",
        "boom",
    )
    assert (last.created, last.filled, last.reset, last.batches) == (11, 12, 13, 14)
    assert (last.started_at, last.duration_seconds) == (started, 90.0)


def test_plan__counts_and_sample_reach_their_fields():
    signed_in = timezone.now() - dt.timedelta(days=1)
    fillable = AuthUserFactory(last_sign_in_at=signed_in)
    UserProfile.objects.filter(user_id=fillable.pk).update(last_login=None)
    first = AuthUserFactory(
        id=uuid.UUID(int=1), with_profile=False, provider="google", phone="+15550001"
    )
    AuthUserFactory(id=uuid.UUID(int=2), with_profile=False)
    plan = sync.plan()
    assert (plan.would_create, plan.would_fill) == (2, 1)
    sample = plan.sample[0]
    assert (sample.user_id, sample.email, sample.phone, sample.provider) == (
        first.pk,
        first.email,
        "+15550001",
        "google",
    )
    assert sample.created_at == first.created_at


@pytest.mark.django_db(transaction=True)
def test_sync_batch__scanned_created_filled_and_pages_reach_their_fields():
    fillable = AuthUserFactory(last_sign_in_at=timezone.now())
    UserProfile.objects.filter(user_id=fillable.pk).update(last_login=None)
    AuthUserFactory()  # complete: nothing to do
    admin = AuthUserFactory()
    UserProfile.objects.filter(user_id=admin.pk).update(role="admin")
    AuthUserFactory.create_batch(3, with_profile=False)
    batches = []
    pages = walk.walk_state().pages
    result = sync.sync(preserve=False, batch_size=100, progress=batches.append)
    # A catch-up batch may follow while any older transaction runs on the server.
    (batch,) = [b for b in batches if not b.rows.catch_up]
    assert (batch.number, batch.scanned, batch.created, batch.filled, batch.reset) == (
        1,
        6,
        3,
        1,
        1,
    )
    assert batch.rows.catch_up is False
    assert (batch.rows.first_page, batch.rows.stop_page) == (0, batch.rows.pages) == (0, pages)
    assert (result.created, result.filled, result.reset) == (3, 1, 1)


def test_lease__run_and_holder_reach_their_fields():
    run_ = lease.start_run(preserve=True, batch_size=7, triggered_by="tester")
    record = SyncRun.objects.get(pk=run_.id)
    assert run_.started_at == record.started_at
    holder = lease.current_holder()
    assert (holder.run_id, holder.holder, holder.triggered_by) == (
        run_.id,
        lease.holder_name(),
        "tester",
    )
    assert holder.started_at == record.started_at < holder.expires_at


def test_user_row_and_detail__each_column_reaches_its_own_field():
    user = AuthUserFactory(provider="github", phone="+15550002", last_sign_in_at=timezone.now())
    profile_created = timezone.now() - dt.timedelta(days=3)
    last_login = timezone.now() - dt.timedelta(days=2)
    UserProfile.objects.filter(user_id=user.pk).update(
        role="admin",
        is_active=False,
        deactivation_reason="left",
        last_login=last_login,
        created_at=profile_created,
    )
    (row,) = directory.list_users().users
    assert (row.id, row.email, row.phone, row.provider, row.role) == (
        user.pk,
        user.email,
        "+15550002",
        "github",
        "admin",
    )
    assert (row.is_active, row.has_profile, row.deleted_at) == (False, True, None)
    assert (row.last_sign_in_at, row.last_login, row.created_at) == (
        user.last_sign_in_at,
        last_login,
        user.created_at,
    )
    detail = directory.get_user(user.pk)
    assert detail.created_at == user.created_at != detail.profile_created_at == profile_created
    assert (detail.sso_provider, detail.deactivation_reason) == ("github", "left")
    assert detail.sso_user_id == profile_of(user).sso_user_id is not None


def test_app_user__each_column_reaches_its_own_field():
    user = AuthUserFactory()
    UserProfile.objects.filter(user_id=user.pk).update(role="admin", is_active=False)
    found = accounts.lookup(user.pk)
    assert (found.user_id, found.email, found.role, found.is_active) == (
        user.pk,
        user.email,
        "admin",
        False,
    )
    assert (found.banned, found.has_profile, found.profile_created) == (False, True, False)
    banned = AuthUserFactory(with_profile=False)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE auth.users SET banned_until = now() + interval '1 day' WHERE id = %s",
            [banned.pk],
        )
    found = accounts.lookup(banned.pk)
    assert (found.banned, found.has_profile, found.role) == (True, False, None)


def test_created_profile__each_column_reaches_its_own_field():
    user = AuthUserFactory(with_profile=False, provider="google")
    created = profiles.create_profile(user.pk, role="admin", active=False)
    stored = profile_of(user)
    assert (created.id, created.user_id, created.role, created.is_active) == (
        stored.id,
        user.pk,
        "admin",
        False,
    )
    assert (created.sso_provider, created.sso_user_id) == ("google", stored.sso_user_id)
    assert created.deactivation_reason == profiles.INACTIVE_AT_CREATION
    assert created.deactivated_at == stored.deactivated_at is not None


def test_preservation_report__each_column_reaches_its_own_field():
    kept = [AuthUserFactory() for _ in range(3)]
    UserProfile.objects.filter(user_id=kept[0].pk).update(role="admin")
    without = AuthUserFactory(with_profile=False)
    unknown = uuid.uuid4()
    report = profiles.preservation_report([*(u.pk for u in kept), without.pk, unknown])
    assert (report.profiles_examined, report.profiles_with_data) == (3, 1)
    (entry,) = report.profiles
    assert (entry.user_id, entry.email, entry.preserved) == (
        kept[0].pk,
        kept[0].email,
        {"role": "admin"},
    )
    assert (report.users_without_profile, report.unknown_user_ids) == ([without.pk], [unknown])
