"""The whole command set through a transaction pooler (PgBouncer, pool_mode =
transaction), as through Supabase's pooler on port 6543."""

from __future__ import annotations

import json

import psycopg
import pytest

from tests.helpers import manage
from tests.pgbouncer import transaction_pooler
from usersync.contrib.supabase_local import demo_data
from usersync.models import SyncRun, UserProfile

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def pooler():
    with transaction_pooler(pool_size=2) as url:
        yield url


def test_pooler__is_real_so_a_session_advisory_lock_excludes_nobody():
    """Why usersync uses a lease row: through a transaction pooler a session-level
    advisory lock stays on a server connection that other clients then use."""
    with (
        transaction_pooler(pool_size=1) as url,
        psycopg.connect(url, autocommit=True) as first,
        psycopg.connect(url, autocommit=True) as second,
    ):
        assert first.execute("SELECT pg_try_advisory_lock(4242)").fetchone()[0] is True
        assert second.execute("SELECT pg_try_advisory_lock(4242)").fetchone()[0] is True


def test_every_command__works_through_the_transaction_pooler(pooler, auth_user_factory):
    demo_data.seed(500, without_profiles=0.5)
    lonely = auth_user_factory(with_profile=False)

    status = manage("sync_status", "--json", database_url=pooler)
    assert status.returncode == 0, status.stderr
    missing = json.loads(status.stdout)["missing_profiles"]
    assert missing > 1

    planned = manage("sync_users", "--dry-run", "--json", database_url=pooler)
    assert json.loads(planned.stdout)["would_create"] == missing

    created = manage("create_profile", str(lonely.pk), "--role", "admin", database_url=pooler)
    assert created.returncode == 0, created.stderr

    synced = manage("sync_users", "--batch-size", "37", "--json", database_url=pooler)
    assert synced.returncode == 0, synced.stderr
    result = json.loads(synced.stdout)
    assert result["created"] == missing - 1 and result["batches"] > 1
    assert result["status"]["missing_profiles"] == 0

    report = manage("preservation_report", "--json", database_url=pooler)
    assert json.loads(report.stdout)["summary"]["profiles_with_data"] == 1

    verified = manage("verify_migration", "--e2e", "--json", database_url=pooler)
    assert verified.returncode == 0, verified.stdout
    assert json.loads(verified.stdout)["ok"] is True

    run = SyncRun.objects.get()
    assert (run.status, run.batches, run.created) == ("succeeded", result["batches"], missing - 1)
    assert UserProfile.objects.filter(user_id=lonely.pk, role="admin").exists()


def test_one_sync_at_a_time__holds_through_the_pooler(pooler, auth_user_factory):
    auth_user_factory(with_profile=False)
    with psycopg.connect(pooler, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO usersync.sync_runs (batch_size, triggered_by) VALUES (10, 'elsewhere') "
            "RETURNING id"
        )
        conn.execute(
            "INSERT INTO usersync.sync_lease (run_id, holder, expires_at) "
            "SELECT max(id), 'another-host pid 1', now() + interval '1 minute' "
            "FROM usersync.sync_runs"
        )
    refused = manage("sync_users", database_url=pooler)
    assert refused.returncode == 1
    assert "another sync is running: sync run" in refused.stderr
    assert UserProfile.objects.count() == 0


def test_one_status_count_at_a_time__holds_through_the_pooler(pooler):
    """The claim of /health's background count is a transaction-level lock: through a
    transaction pooler it holds while its transaction runs, and ends with it."""
    from usersync.db.sql import query

    claim = query("status_counts_claim")
    with (
        psycopg.connect(pooler, autocommit=True) as counting,
        psycopg.connect(pooler, autocommit=True) as other,
    ):
        with counting.transaction():
            assert counting.execute(claim).fetchone()[0] is True
            with other.transaction():
                assert other.execute(claim).fetchone()[0] is False
        with other.transaction():
            assert other.execute(claim).fetchone()[0] is True
