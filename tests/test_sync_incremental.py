"""The incremental sync: after a completed sync (its watermark), the next one creates
missing profiles from one anti-join and probes for fills only the users whose auth row,
profile or identity was written since. Drift written after the watermark is found by
it; drift that predates the watermark is left to `--full` (or the next full check).

Each test commits on its own connections (transaction=True): the watermark is a
snapshot's oldest running transaction, which inside one test transaction would be the
test's own and make every row "written since"."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import psycopg
import pytest
from django.core.management import call_command

from tests.db import connect
from tests.test_signin_trigger import sign_in
from tests.test_trigger import sign_up
from usersync import sync
from usersync.models import UserProfile

pytestmark = pytest.mark.django_db(transaction=True)

T0 = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


def add_identity(user_id: uuid.UUID, provider: str, provider_id: str) -> None:
    """An SSO identity linked to the user, as the auth service inserts it, but with
    usersync's identity trigger off: the profile is left for a sync to fill."""
    with connect() as conn, conn.transaction():
        conn.execute("ALTER TABLE auth.identities DISABLE TRIGGER on_auth_identity_created")
        conn.execute("SET LOCAL ROLE supabase_auth_admin")
        conn.execute(
            "INSERT INTO auth.identities (provider_id, user_id, identity_data, provider) "
            "VALUES (%s, %s, %s, %s)",
            [provider_id, user_id, psycopg.types.json.Jsonb({}), provider],
        )
        conn.execute("RESET ROLE")
        conn.execute("ALTER TABLE auth.identities ENABLE TRIGGER on_auth_identity_created")


def sign_in_unseen(user_id: uuid.UUID, at: dt.datetime) -> None:
    """A sign-in as the auth service writes it, with the sign-in trigger disabled:
    the profile's last_login is left stale for a sync."""
    with connect() as admin:
        admin.execute("ALTER TABLE auth.users DISABLE TRIGGER on_auth_user_signed_in")
        try:
            with connect(user="supabase_auth_admin") as auth:
                sign_in(auth, user_id, at)
        finally:
            admin.execute("ALTER TABLE auth.users ENABLE TRIGGER on_auth_user_signed_in")


def profile(user_id: uuid.UUID) -> UserProfile:
    return UserProfile.objects.get(user_id=user_id)


def watermark_to_now() -> None:
    """Move the watermark past every row written so far, as if a sync had completed
    now without seeing them (e.g. a drift that no write marks, or a restored table)."""
    with connect() as conn:
        conn.execute(
            "UPDATE usersync.sync_watermark "
            "SET snapshot_xmin = pg_snapshot_xmin(pg_current_snapshot())::text::bigint"
        )


@pytest.fixture
def users_in_step() -> list[uuid.UUID]:
    """Three signed-up users with their profiles, and a completed sync's watermark."""
    with connect() as conn:
        conn.execute("DELETE FROM usersync.sync_watermark")
    with connect(user="supabase_auth_admin") as conn:
        users = [sign_up(conn) for _ in range(3)]
    first = sync.sync()
    assert first.mode == "full"
    return users


def test_first_sync__is_full_and_says_why(users_in_step):
    with connect() as conn:
        conn.execute("DELETE FROM usersync.sync_watermark")
    result = sync.sync()
    assert (result.mode, result.full_reason) == (
        "full",
        "no watermark: no sync has completed since usersync 0020",
    )
    assert result.as_dict()["mode"] == "full"


def test_sync_with_nothing_written_since__is_incremental_and_scans_nobody(users_in_step):
    result = sync.sync()
    assert (result.mode, result.full_reason) == ("incremental", None)
    assert (result.scanned, result.created, result.filled) == (0, 0, 0)
    assert result.batches == []


def test_incremental__creates_missing_profiles_of_users_not_written_since(users_in_step):
    UserProfile.objects.filter(user_id=users_in_step[0]).delete()
    watermark_to_now()
    result = sync.sync()
    assert (result.mode, result.created) == ("incremental", 1)
    assert profile(users_in_step[0]).role == "user"


def test_incremental__fills_an_sso_identity_added_after_the_watermark(users_in_step):
    user_id = users_in_step[1]
    add_identity(user_id, "github", "gh-42")
    assert profile(user_id).sso_provider is None
    result = sync.sync()
    assert (result.mode, result.filled) == ("incremental", 1)
    assert (profile(user_id).sso_provider, profile(user_id).sso_user_id) == ("github", "gh-42")
    assert profile(users_in_step[0]).sso_provider is None


def test_incremental__moves_a_stale_last_login_after_the_watermark(users_in_step):
    user_id = users_in_step[2]
    sign_in_unseen(user_id, T0)
    assert profile(user_id).last_login is None
    result = sync.sync()
    assert (result.mode, result.scanned, result.filled) == ("incremental", 1, 1)
    assert profile(user_id).last_login == T0


def test_incremental__refills_a_profile_field_cleared_after_the_watermark(users_in_step):
    user_id = users_in_step[0]
    add_identity(user_id, "github", "gh-7")
    sync.sync()
    UserProfile.objects.filter(user_id=user_id).update(sso_provider=None, sso_user_id=None)
    result = sync.sync()
    assert (result.mode, result.filled) == ("incremental", 1)
    assert profile(user_id).sso_provider == "github"


def test_drift_before_the_watermark__is_left_to_full(users_in_step):
    identity_user, signed_in_user = users_in_step[0], users_in_step[1]
    add_identity(identity_user, "github", "gh-1")
    sign_in_unseen(signed_in_user, T0)
    watermark_to_now()

    incremental = sync.sync()
    assert (incremental.mode, incremental.filled) == ("incremental", 0)
    assert profile(identity_user).sso_provider is None
    assert profile(signed_in_user).last_login is None

    full = sync.sync(full=True)
    assert (full.mode, full.full_reason, full.filled) == ("full", "asked for (--full)", 2)
    assert profile(identity_user).sso_provider == "github"
    assert profile(signed_in_user).last_login == T0


def test_a_watermark_older_than_the_setting__makes_the_sync_full(users_in_step, settings):
    sign_in_unseen(users_in_step[0], T0)
    watermark_to_now()
    with connect() as conn:
        conn.execute(
            "UPDATE usersync.sync_watermark SET full_check_at = now() - interval '2 hours'"
        )
    settings.USERSYNC_FULL_SYNC_AFTER_SECONDS = 3600
    result = sync.sync()
    assert result.mode == "full"
    assert "USERSYNC_FULL_SYNC_AFTER_SECONDS (3,600 s)" in result.full_reason
    assert profile(users_in_step[0]).last_login == T0
    # That full check is the new one: the next sync may be incremental again.
    assert sync.sync().mode == "incremental"


def test_a_rewritten_table__makes_the_sync_full(users_in_step):
    sign_in_unseen(users_in_step[0], T0)
    watermark_to_now()
    with connect() as conn:
        conn.execute("VACUUM FULL auth.users")
    result = sync.sync()
    assert result.mode == "full"
    assert (
        result.full_reason == "auth.users was rewritten since the watermark (another relfilenode)"
    )
    assert profile(users_in_step[0]).last_login == T0


def test_a_watermark_near_xid_wraparound__makes_the_sync_full(users_in_step):
    with connect() as conn:
        conn.execute(
            "UPDATE usersync.sync_watermark SET snapshot_xmin = snapshot_xmin - 2147483648::bigint"
        )
    result = sync.sync()
    assert result.mode == "full"
    assert "xid comparisons could wrap around" in result.full_reason


def test_other_profile_rules__make_the_sync_full(users_in_step):
    with connect() as conn:
        conn.execute(
            "UPDATE usersync.sync_watermark SET rules_version = 'usersync profile_rules v3'"
        )
    result = sync.sync()
    assert result.mode == "full"
    assert "profile rules changed" in result.full_reason


def test_a_failed_sync__keeps_the_watermark_before_it(users_in_step):
    with connect() as conn:
        before = conn.execute("SELECT run_id FROM usersync.sync_watermark").fetchone()[0]
    with pytest.raises(ZeroDivisionError):
        sync.sync(progress=lambda batch: 1 / 0, full=True)
    with connect() as conn:
        assert conn.execute("SELECT run_id FROM usersync.sync_watermark").fetchone()[0] == before


def test_sync_users_command__says_which_kind_ran_in_text_and_json(users_in_step, capsys):
    call_command("sync_users", "--json")
    assert json.loads(capsys.readouterr().out)["mode"] == "incremental"
    call_command("sync_users", "--full")
    out = capsys.readouterr().out
    assert "Full: every user checked (asked for (--full))." in out
    call_command("sync_users")
    assert "Incremental: fields to fill checked only for users written since" in (
        capsys.readouterr().out
    )


def test_more_users_to_check_than_ten_batches__makes_the_sync_a_full_sweep(users_in_step):
    with connect(user="supabase_auth_admin") as conn:
        more = [sign_up(conn) for _ in range(12)]
    UserProfile.objects.filter(user_id__in=more).delete()
    result = sync.sync(batch_size=1)
    assert (result.mode, result.created) == ("full", 12)
    assert result.full_reason == (
        "more than 10 users to check since the watermark: a sweep is cheaper"
    )


def test_the_night_after_a_backfill__does_not_probe_the_profiles_it_made(users_in_step):
    with connect(user="supabase_auth_admin") as conn:
        legacy = [sign_up(conn) for _ in range(5)]
    UserProfile.objects.filter(user_id__in=legacy).delete()
    watermark_to_now()
    backfill = sync.sync()
    assert (backfill.mode, backfill.created) == ("incremental", 5)
    after = sync.sync()
    assert (after.mode, after.scanned) == ("incremental", 0)


def test_a_profile_cleared_after_the_sync_that_wrote_it__is_still_probed(users_in_step):
    user_id = users_in_step[0]
    add_identity(user_id, "github", "gh-9")
    assert sync.sync().filled == 1
    UserProfile.objects.filter(user_id=user_id).update(sso_user_id=None, sso_provider=None)
    result = sync.sync()
    assert (result.mode, result.filled) == ("incremental", 1)
