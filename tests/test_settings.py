"""Configuration mistakes give one clear line and exit 2, never a traceback."""

from __future__ import annotations

import json

import pytest

from tests.helpers import manage as run_manage

REAL_SECRET_KEY = "Zq8-" + "x7Kp2Lm9" * 7


def manage(*args: str, **env: str):
    """manage.py in production mode unless `env` says otherwise."""
    return run_manage(*args, database_url="", unset=["ENABLE_DEVELOPMENT_MODE"], **env)


@pytest.mark.parametrize("secret", ["", "change-me", "short"])
def test_production_mode__refuses_to_start_without_a_real_secret_key(secret):
    result = manage("check", SECRET_KEY=secret, DATABASE_URL="postgres://x@127.0.0.1:1/x")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: SECRET_KEY is missing or too weak (50+ random characters); set it in the "
        "environment or .env, or set ENABLE_DEVELOPMENT_MODE=true for local use"
    ]


def test_only_supabase_api_settings__says_which_connection_string_to_set():
    result = manage(
        "check",
        ENABLE_DEVELOPMENT_MODE="true",
        SUPABASE_URL="https://abc.supabase.co",
        SUPABASE_SERVICE_ROLE_KEY="service-role-key",
    )
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert "Set DATABASE_URL to the connection string from the Supabase dashboard" in line
    assert "service-role-key" not in line


def test_non_postgresql_database_url__is_refused_in_one_line():
    result = manage("check", ENABLE_DEVELOPMENT_MODE="true", DATABASE_URL="sqlite:///db.sqlite3")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: DATABASE_URL must name a PostgreSQL database (postgresql://...), not sqlite3"
    ]


@pytest.mark.parametrize("database_url", ["sqlite:///db.sqlite3", "postgres://[broken"])
def test_bad_database_url_with_json__is_one_json_document_on_stdout(database_url):
    result = manage(
        "sync_status", "--json", ENABLE_DEVELOPMENT_MODE="true", DATABASE_URL=database_url
    )
    assert result.returncode == 2
    document = json.loads(result.stdout)
    assert document["error"]["exit_code"] == 2
    assert "DATABASE_URL" in document["error"]["message"]
    assert result.stderr.strip().splitlines() == [f"error: {document['error']['message']}"]


def test_production_mode_with_a_real_secret_key__passes_the_checks():
    result = manage(
        "check",
        SECRET_KEY=REAL_SECRET_KEY,
        ALLOWED_HOSTS="example.com",
        DATABASE_URL="postgres://x@127.0.0.1:1/x",
    )
    assert result.returncode == 0, result.stderr


def test_production_settings__pass_check_deploy_without_warnings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=REAL_SECRET_KEY,
        ALLOWED_HOSTS="usersync.example.com",
        DATABASE_URL="postgres://x@127.0.0.1:1/x",
        SUPABASE_JWKS_URL="https://project.supabase.co/auth/v1/.well-known/jwks.json",
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("name", ["django.request", "django.db.backends", "usersync"])
def test_logging__prints_each_record_once(name):
    result = run_manage(
        "shell",
        "-c",
        f"import logging; logging.getLogger({name!r}).error('marker-for-the-test')",
        database_url="",
    )
    assert result.stderr.count("marker-for-the-test") == 1, result.stderr


def test_production_settings_without_token_keys__check_deploy_warns_usersync_w001():
    result = manage(
        "check",
        "--deploy",
        SECRET_KEY=REAL_SECRET_KEY,
        ALLOWED_HOSTS="usersync.example.com",
        DATABASE_URL="postgres://x@127.0.0.1:1/x",
    )
    assert result.returncode == 0, result.stderr
    assert "(usersync.W001) None of USERSYNC_SUPABASE_URL" in result.stderr


def test_bad_usersync_setting_from_the_environment__check_fails_with_its_id():
    result = manage(
        "check",
        ENABLE_DEVELOPMENT_MODE="true",
        DATABASE_URL="postgres://x@127.0.0.1:1/x",
        USERSYNC_ALLOWED_ROLES="admin,user",
        USERSYNC_DEFAULT_ROLE="admin",
    )
    assert result.returncode == 1
    assert "(usersync.E005) USERSYNC_DEFAULT_ROLE and USERSYNC_ADMIN_ROLE are both 'admin'" in (
        result.stderr
    )


@pytest.mark.parametrize(
    "variable, value, expected",
    [
        ("USERSYNC_SYNC_BATCH_SIZE", "abc", "a whole number"),
        ("USERSYNC_HEALTH_TIME_LIMIT_SECONDS", "soon", "a number"),
        ("USERSYNC_ALLOW_DATA_LOSS", "maybe", "true or false"),
    ],
)
def test_bad_usersync_value_from_the_environment__is_one_line_naming_the_variable(
    variable, value, expected
):
    result = manage("check", ENABLE_DEVELOPMENT_MODE="true", **{variable: value})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"error: {variable}={value!r} is not {expected}"]


def test_misspelt_usersync_variable__is_a_warning_naming_the_setting_meant():
    result = manage(
        "check",
        ENABLE_DEVELOPMENT_MODE="true",
        DATABASE_URL="postgres://x@127.0.0.1:1/x",
        USERSYNC_SYNC_BATCHSIZE="500",
    )
    assert result.returncode == 0, result.stderr
    assert (
        "warning: USERSYNC_SYNC_BATCHSIZE is not a usersync setting and is ignored "
        "(did you mean USERSYNC_SYNC_BATCH_SIZE?)"
    ) in result.stderr.splitlines()


def settings_of(*names: str, **env: str) -> dict:
    """The project's settings `names` as production mode (unless `env` says otherwise)
    computes them."""
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {list(names)!r}}}))"
    )
    result = manage("shell", "-c", code, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


PRODUCTION = {
    "SECRET_KEY": REAL_SECRET_KEY,
    "ALLOWED_HOSTS": "usersync.example.com",
    "DATABASE_URL": "postgres://x@127.0.0.1:1/x",
}


def test_production_defaults__no_hsts_preload_and_no_trusted_proxy_header():
    values = settings_of("SECURE_HSTS_PRELOAD", "SECURE_PROXY_SSL_HEADER", **PRODUCTION)
    assert values == {"SECURE_HSTS_PRELOAD": False, "SECURE_PROXY_SSL_HEADER": None}
    values = settings_of(
        "SECURE_HSTS_PRELOAD",
        "SECURE_PROXY_SSL_HEADER",
        BEHIND_HTTPS_PROXY="true",
        SECURE_HSTS_PRELOAD="true",
        **PRODUCTION,
    )
    assert values == {
        "SECURE_HSTS_PRELOAD": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
    }


def test_production_defaults__supabase_url_becomes_usersync_supabase_url_unless_set():
    derived = settings_of(
        "USERSYNC_SUPABASE_URL", SUPABASE_URL="https://abc.supabase.co/", **PRODUCTION
    )
    assert derived == {"USERSYNC_SUPABASE_URL": "https://abc.supabase.co/"}
    explicit = settings_of(
        "USERSYNC_SUPABASE_URL",
        SUPABASE_URL="https://abc.supabase.co",
        USERSYNC_SUPABASE_URL="https://other.supabase.co",
        **PRODUCTION,
    )
    assert explicit == {"USERSYNC_SUPABASE_URL": "https://other.supabase.co"}


def test_development_secret_key__generated_once_per_checkout_never_a_constant(tmp_path):
    from project.config import development_secret_key, require_secret_key

    first = require_secret_key("", True, tmp_path / "key")
    assert require_secret_key("change-me", True, tmp_path / "key") == first
    assert len(first) >= 50 and "usersync-development-only" not in first
    assert (tmp_path / "key").stat().st_mode & 0o777 == 0o600
    other_checkout = tmp_path / "other"
    other_checkout.mkdir()
    assert development_secret_key(other_checkout / "key") != first
