"""The sync's walk over auth.users in physical order: page ranges, and the catch-up that
covers rows written behind it while it ran (an update that moved a row, a sign-up the
trigger missed) and a table rewrite. Real changes, committed between two batches (the
progress callback runs between them)."""

from __future__ import annotations

import itertools

import pytest
from django.db import connection

from tests.helpers import ONE_PER_PAGE_PAD, one_user_per_page, page_of
from usersync import sync
from usersync.models import SyncRun, UserProfile
from usersync.sync import walk

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _default_fillfactor():
    yield
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE auth.users RESET (fillfactor)")


def has_profile(user) -> bool:
    return UserProfile.objects.filter(user_id=user.pk).exists()


def test_walk__batches_cover_every_page_once_in_order_sized_by_the_rows_found(
    auth_user_factory,
):
    one_user_per_page()
    auth_user_factory.create_batch(9, with_profile=False, user_meta=ONE_PER_PAGE_PAD)
    pages = walk.walk_state().pages
    result = sync.sync(batch_size=2)
    ranges = [(b.rows.first_page, b.rows.stop_page) for b in result.batches]
    assert ranges[0][0] == 0 and ranges[-1][1] == pages
    assert all(stop == next_first for (_, stop), (next_first, _) in itertools.pairwise(ranges))
    # Once a batch has seen one row a page, the next ones take two pages: two rows.
    assert [b.scanned for b in result.batches if b.scanned][1:4] == [2, 2, 2]
    assert result.created == 9 and not any(b.rows.catch_up for b in result.batches)


def sign_up_after_the_sweep(auth_user_factory, signed_up: list):
    """A progress callback: after the sweep's last batch, a sign-up whose profile the
    trigger does not make (it failed, or was off), committed."""

    def progress(batch: sync.BatchResult) -> None:
        if not signed_up and not batch.rows.catch_up and batch.rows.stop_page == batch.rows.pages:
            signed_up.append(auth_user_factory(with_profile=False))

    return progress


def test_walk__a_row_written_behind_it_is_caught_up(auth_user_factory):
    first = auth_user_factory(with_profile=False)
    signed_up: list = []
    result = sync.sync(batch_size=1, progress=sign_up_after_the_sweep(auth_user_factory, signed_up))
    assert signed_up and has_profile(signed_up[0]) and has_profile(first)
    (catch_up,) = [b for b in result.batches if b.rows.catch_up]
    assert (catch_up.scanned, catch_up.created) == (1, 1)


def test_walk__without_the_catch_up_that_row_would_be_missed(auth_user_factory, monkeypatch):
    """The check above can fail: the same run with the catch-up switched off."""
    monkeypatch.setattr(walk, "written_since", lambda *args: [])
    first = auth_user_factory(with_profile=False)
    signed_up: list = []
    sync.sync(batch_size=1, progress=sign_up_after_the_sweep(auth_user_factory, signed_up))
    assert has_profile(first) and not has_profile(signed_up[0])


def test_walk__a_table_rewritten_under_it_is_walked_again(auth_user_factory):
    one_user_per_page()
    kept, missing = auth_user_factory.create_batch(
        2, with_profile=False, user_meta=ONE_PER_PAGE_PAD
    )
    kept_page = page_of(kept)
    assert page_of(missing) > kept_page

    def rewrite_after_kept(batch: sync.BatchResult) -> None:
        if not moved_to and batch.rows.first_page <= kept_page < batch.rows.stop_page:
            with connection.cursor() as cursor:  # packs every row into the first page
                cursor.execute("ALTER TABLE auth.users SET (fillfactor = 100)")
                cursor.execute("VACUUM FULL auth.users")
            moved_to.append(page_of(missing))

    moved_to: list[int] = []
    result = sync.sync(batch_size=1, progress=rewrite_after_kept)
    assert moved_to and moved_to[0] <= kept_page, "the rewrite did not move the row back"
    assert has_profile(missing) and has_profile(kept)
    firsts = [b.rows.first_page for b in result.batches if not b.rows.catch_up]
    assert firsts.count(0) == 2  # a second sweep from the first page


def test_walk__gives_up_in_one_line_when_rows_keep_changing_and_keeps_its_work(
    auth_user_factory, monkeypatch
):
    early = auth_user_factory.create_batch(2, with_profile=False)
    monkeypatch.setattr(walk, "CATCH_UP_BATCHES", 0)  # any row written meanwhile: sweep again

    def sign_up_meanwhile(batch: sync.BatchResult) -> None:
        auth_user_factory(with_profile=False)

    with pytest.raises(walk.AuthUsersKeptChanging) as raised:
        sync.sync(batch_size=100, progress=sign_up_meanwhile)
    assert "\n" not in str(raised.value) and "run sync_users again" in str(raised.value)
    assert all(has_profile(user) for user in early)
    assert SyncRun.objects.get().status == "failed"
