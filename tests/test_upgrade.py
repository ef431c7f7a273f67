"""Upgrading from the release teams run today: the 0.2.0 wheel, built from its tag,
installed in a fresh virtualenv and used as a host project uses it (migrate, seed,
sync, a staff link, a deactivation through the Python API); then this checkout's wheel
installed over it. migrate, verify_migration --e2e and sync_users must pass, and no
profile, audit row or staff link may be lost, nor the deactivated user let back in."""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
from io import BytesIO
from pathlib import Path

import django
import psycopg
import pytest

from tests.auth_hook import call_in, error_shape_errors, make_event
from tests.helpers import ROOT
from tests.test_host_project import (
    SEEDED,
    WITHOUT_PROFILES,
    build_wheel,
    clean_environment,
    run,
    scratch_database,  # noqa: F401 (a fixture)
    start_host_project,
)

RELEASE_TAG = "v0.2.0"
# The release's commit, for clones without tags.
RELEASE_COMMIT = "b3eff5b"

# Run in the host project by `manage.py shell -c` on 0.2.0: a staff account linked to
# one user, and another user deactivated through usersync's Python API.
PREPARE = """
import json
from django.contrib.auth import get_user_model
import usersync
from usersync.models import UserProfile
from usersync.staff.identity import set_link

users = list(UserProfile.objects.filter(role="user", is_active=True)
             .order_by("user_id").values_list("user_id", flat=True)[:2])
staff = get_user_model().objects.create_superuser("upgrade-admin", "up@example.com", "pw")
set_link(staff, users[1], usersync.Actor("upgrade-test"))
usersync.deactivate(users[0], actor="upgrade-test", reason="before the upgrade")
print(json.dumps({"deactivated": str(users[0])}))
"""

# What must survive the upgrade, read the same way before and after it.
SNAPSHOT = """
import json
from usersync.models import AdminAuditLog, StaffLink, UserProfile
print(json.dumps({
    "profiles": sorted([str(u), r, a] for u, r, a in
                       UserProfile.objects.values_list("user_id", "role", "is_active")),
    "audit": sorted(AdminAuditLog.objects.values_list("id", flat=True)),
    "links": sorted([u, str(a)] for u, a in
                    StaffLink.objects.values_list("user_id", "auth_user_id")),
}))
"""


def release_commit() -> str:
    """The commit of the 0.2.0 tag, or of its known hash where the clone has no tags."""
    for name in (RELEASE_TAG, RELEASE_COMMIT):
        found = subprocess.run(
            ["git", "rev-parse", "--verify", "--quiet", f"{name}^{{commit}}"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if found.returncode == 0:
            return found.stdout.strip()
    pytest.fail(
        f"neither {RELEASE_TAG} nor {RELEASE_COMMIT} is in this clone: fetch its history "
        f"(git fetch --tags --unshallow)"
    )


def release_source(into: Path) -> Path:
    """The release's tree, as `git archive` gives it (no work tree of this checkout)."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", release_commit()],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def refused_by_the_hook(database: dict, user_id: str) -> list[str]:
    """What is wrong with the hook's answer for `user_id` as a refusal (empty: refused),
    called as Supabase Auth calls it, on the host project's database."""
    params = {k: v for k, v in database.items() if k != "password"}
    params["user"] = "supabase_auth_admin"
    with psycopg.connect(**params, autocommit=True) as conn, conn.transaction():
        output = call_in(conn, make_event(user_id))
    return error_shape_errors(output) + (["not a 403"] if "claims" in output else [])


@pytest.mark.slow
def test_upgrade_from_0_2_0__migrates_verifies_syncs_and_keeps_every_row(
    tmp_path,
    scratch_database,  # noqa: F811
):
    old_wheel = build_wheel(tmp_path / "dist-0.2.0", release_source(tmp_path / "src-0.2.0"))
    new_wheel = build_wheel(tmp_path / "dist-current")

    venv = tmp_path / "venv"
    env = clean_environment(venv)  # keeps HOME: pip's cache is reused
    python = venv / "bin" / "python"
    run([sys.executable, "-m", "venv", venv], tmp_path, env)
    install = [python, "-m", "pip", "install", "--no-input", old_wheel]
    run([*install, f"Django=={django.__version__}"], tmp_path, env, timeout=900)

    site = tmp_path / "site"
    site.mkdir()
    start_host_project(site, env, venv, scratch_database)

    def manage(*args: str) -> str:
        return run([python, "manage.py", *args], site, env, timeout=300)

    def shell(script: str) -> dict:
        return json.loads(manage("shell", "-v", "0", "-c", script).strip().splitlines()[-1])

    # 0.2.0, as teams run it.
    manage("migrate", "--no-input")
    manage("seed_demo_users", str(SEEDED), "--without-profiles", "40%")
    assert f"created {WITHOUT_PROFILES} profiles" in manage("sync_users")
    deactivated = shell(PREPARE)["deactivated"]
    before = shell(SNAPSHOT)
    assert len(before["profiles"]) == SEEDED and before["links"] and before["audit"]
    assert refused_by_the_hook(scratch_database, deactivated) == []

    # This checkout's wheel over it (the same dependencies, so no others are touched).
    run([*install[:-1], "--no-deps", "--force-reinstall", new_wheel], tmp_path, env, timeout=300)
    assert "0016_profile_settings_guard" in manage("showmigrations", "usersync")
    manage("migrate", "--no-input")
    manage("verify_migration", "--e2e")
    manage("sync_users")

    after = shell(SNAPSHOT)
    assert after["profiles"] == before["profiles"]  # none lost, none changed
    assert set(before["audit"]) <= set(after["audit"])
    assert after["links"] == before["links"]
    assert [deactivated, "user", False] in after["profiles"]
    assert refused_by_the_hook(scratch_database, deactivated) == []
    status = json.loads(manage("sync_status", "--json"))
    assert (status["missing_profiles"], status["trigger_failures"]) == (0, 0)


def test_released_migrations__are_never_edited():
    commit = release_commit()
    listed = subprocess.run(
        [
            "git",
            "ls-tree",
            "-r",
            "--name-only",
            commit,
            "--",
            "migrations_sql",
            "usersync/migrations",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert any(name.endswith(".reverse.sql") for name in listed)
    changed = [
        name
        for name in listed
        if not (ROOT / name).is_file()
        or (ROOT / name).read_bytes()
        != subprocess.run(
            ["git", "show", f"{commit}:{name}"], cwd=ROOT, capture_output=True, check=True
        ).stdout
    ]
    assert changed == [], "a released migration or SQL file changed: add a new version instead"
