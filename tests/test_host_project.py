"""usersync in somebody else's Django project, as a new user meets it: the wheel built
from this checkout, installed into a fresh virtualenv (its dependencies from the
package index), a project made by `django-admin startproject` far from this
repository, the README's steps, and the commands run there against a scratch database
on the test suite's PostgreSQL server. Nothing of this repository is importable there."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path

import django
import psycopg
import pytest
from django.db import connection
from psycopg import sql

from tests.helpers import ROOT

# The environment a stranger's shell would have: no PYTHONPATH, no DJANGO_SETTINGS_MODULE,
# no DATABASE_URL or USERSYNC_* of this test run; only what pip needs to reach its index.
KEPT_VARIABLES = {"HOME", "TMPDIR", "LANG", "LC_ALL", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE"}
KEPT_PREFIXES = ("PIP_", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy")
SEEDED, WITHOUT_PROFILES = 50, 20
# psycopg's connection parameters by their names in DATABASES.
SETTING_NAMES = {
    "dbname": "NAME",
    "host": "HOST",
    "port": "PORT",
    "user": "USER",
    "password": "PASSWORD",
}

# Run inside the host project by `manage.py shell -c`: what a browser and the admin see.
PROBE = """
import json
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.test.utils import setup_test_environment
from django.urls import get_resolver
import usersync

setup_test_environment()
health = Client().get("/health")
staff = Client()
staff.force_login(get_user_model().objects.create_superuser("host-admin", "a@example.com", "pw"))
app_page = staff.get("/admin/usersync/")
print(json.dumps({
    "installed_apps": settings.INSTALLED_APPS,
    "first_url_namespace": get_resolver().url_patterns[0].namespace,
    "health_status": health.status_code,
    "health": health.json(),
    "app_page_status": app_page.status_code,
    "app_page_templates": [t.name for t in app_page.templates],
    "app_page_has_sync_status": b'id="sync-status"' in app_page.content,
    "usersync_file": usersync.__file__,
}))
"""


def clean_environment(venv: Path) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k in KEPT_VARIABLES or k.startswith(KEPT_PREFIXES)
    }
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}/usr/local/bin:/usr/bin:/bin"
    return env


def run(command: list, cwd: Path, env: dict[str, str], timeout: float = 120) -> str:
    """Runs `command`, fails the test with its stderr if it fails; returns its stdout."""
    try:
        result = subprocess.run(
            [str(part) for part in command],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired as error:
        pytest.fail(f"{command} did not finish in {timeout} s; stderr:\n{error.stderr}")
    assert result.returncode == 0, (
        f"{command} exited {result.returncode}\n"
        f"stdout:\n{result.stdout[-3000:]}\nstderr:\n{result.stderr[-5000:]}"
    )
    return result.stdout


def server_params() -> dict:
    """Where the test suite's PostgreSQL listens. get_connection_params() also fills in
    host and port when the embedded server runs it (settings_dict has none until then)."""
    params = connection.get_connection_params()
    return {k: params[k] for k in ("host", "port", "user", "password") if params.get(k)}


@pytest.fixture
def scratch_database():
    params = server_params()
    name = f"usersync_host_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(**params, dbname="postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield params | {"dbname": name}
    with psycopg.connect(**params, dbname="postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


def build_wheel(out: Path, source: Path = ROOT) -> Path:
    """The wheel of the tree at `source` (this checkout unless given), built into `out`."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", out, source], source, env, 300)
    (wheel,) = out.glob("django_usersync-*.whl")
    return wheel


def assert_wheel_carries_every_file_the_app_reads(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    package_files = {
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "usersync").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    migrations_sql = {f"usersync/migrations_sql/{p.name}" for p in ROOT.glob("migrations_sql/*")}
    assert any(name.startswith("usersync/templates/") for name in package_files)
    assert any(name.startswith("usersync/sync/sql/") for name in package_files)
    assert any(name.endswith(".reverse.sql") for name in migrations_sql)
    assert sorted((package_files | migrations_sql) - names) == []
    assert [n for n in names if n.startswith(("project/", "tests/", "migrations_sql/"))] == []


def start_host_project(site: Path, env: dict[str, str], venv: Path, database: dict) -> None:
    run([venv / "bin" / "django-admin", "startproject", "host", site], site.parent, env)
    settings = site / "host" / "settings.py"
    settings.write_text(
        settings.read_text()
        + "\n# usersync, as its README says (the local Supabase stand-in first).\n"
        + 'INSTALLED_APPS += ["usersync.contrib.supabase_local", "usersync"]\n'
        + "DATABASES = "
        + repr({"default": {"ENGINE": "django.db.backends.postgresql"} | settings_of(database)})
        + "\n"
    )
    urls = site / "host" / "urls.py"
    urls.write_text(
        urls.read_text()
        + "\n# usersync's URLs, before admin/ (/admin/users/health-check is usersync's).\n"
        + "from django.urls import include  # noqa: E402\n\n"
        + 'urlpatterns.insert(0, path("", include("usersync.urls")))\n'
    )


def settings_of(database: dict) -> dict:
    return {SETTING_NAMES[k]: str(v) for k, v in database.items()}


@pytest.mark.slow
@pytest.mark.every_django
def test_host_project__wheel_in_a_fresh_venv_runs_the_readme_steps_and_syncs(
    tmp_path, scratch_database
):
    assert not tmp_path.resolve().is_relative_to(ROOT)
    wheel = build_wheel(tmp_path / "dist")
    assert_wheel_carries_every_file_the_app_reads(wheel)

    venv = tmp_path / "venv"
    env = clean_environment(venv)
    python = venv / "bin" / "python"
    run([sys.executable, "-m", "venv", venv], tmp_path, env)
    # The Django of this test run (each leg of the matrix has its own); the rest as pip
    # resolves the wheel's dependencies.
    install = [python, "-m", "pip", "install", "--no-input", wheel, f"Django=={django.__version__}"]
    run(install, tmp_path, env, timeout=900)

    site = tmp_path / "site"
    site.mkdir()
    start_host_project(site, env, venv, scratch_database)

    # Nothing of this repository can be imported in the host project.
    for module in ("project", "tests"):
        result = subprocess.run(
            [python, "-c", f"import {module}"],
            cwd=site,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 1, result.stdout
        assert f"No module named '{module}'" in result.stderr

    def manage(*args: str) -> str:
        return run([python, "manage.py", *args], site, env, timeout=300)

    manage("check")
    manage("migrate", "--no-input")
    seeded = manage("seed_demo_users", str(SEEDED), "--without-profiles", "40%")
    assert f"{WITHOUT_PROFILES} of them have no profile" in seeded

    dry_run = manage("sync_users", "--dry-run")
    assert f"Would create {WITHOUT_PROFILES} profiles" in dry_run
    before = json.loads(manage("sync_status", "--json"))
    assert before["missing_profiles"] == WITHOUT_PROFILES, "the dry run wrote profiles"

    synced = manage("sync_users")
    assert f"created {WITHOUT_PROFILES} profiles" in synced
    after = json.loads(manage("sync_status", "--json"))
    assert (after["total_auth_users"], after["total_profiles"]) == (SEEDED, SEEDED)
    assert after["missing_profiles"] == 0
    assert after["last_sync"]["status"] == "succeeded"

    probe = json.loads(manage("shell", "-v", "0", "-c", PROBE).strip().splitlines()[-1])
    assert probe["health_status"] == 200, probe["health"]
    assert probe["health"]["status"] == "healthy"
    assert probe["health"]["missing_profiles"] == 0
    assert set(probe["health"]["checks"].values()) == {"healthy"}
    # startproject's apps are untouched (django.contrib.admin, not a replacement of ours).
    assert probe["installed_apps"][:6] == [
        "django.contrib.admin",
        "django.contrib.auth",
        "django.contrib.contenttypes",
        "django.contrib.sessions",
        "django.contrib.messages",
        "django.contrib.staticfiles",
    ]
    assert probe["first_url_namespace"] == "usersync"
    # The admin's sync panel renders from the templates the wheel carries.
    assert probe["app_page_status"] == 200
    assert "admin/usersync/app_index.html" in probe["app_page_templates"]
    assert probe["app_page_has_sync_status"]

    site_packages = run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], site, env
    ).strip()
    assert Path(site_packages).is_relative_to(venv)
    assert Path(probe["usersync_file"]).is_relative_to(site_packages)
    django_version = run([python, "-m", "django", "--version"], site, env).strip()
    print(
        f"host project: {wheel.name} on Django {django_version}, {python.name} "
        f"{sys.version.split()[0]}; {SEEDED} users, {WITHOUT_PROFILES} without a profile, "
        f"synced; /health {probe['health_status']} {probe['health']['status']}"
    )
