"""usersync's system checks: each id for a bad value of its setting, nothing for good ones.
No test here touches the database (pytest-django would refuse): the checks read settings."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.checks import CheckMessage, run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from jwt.algorithms import ECAlgorithm

from usersync.checks import TAG
from usersync.conf import DEFAULTS, PREFIX

JWKS = json.dumps(
    {
        "keys": [
            ECAlgorithm.to_jwk(ec.generate_private_key(ec.SECP256R1()).public_key(), as_dict=True)
            | {"kid": "ec-1", "alg": "ES256", "use": "sig"}
        ]
    }
)


@pytest.fixture(autouse=True)
def _asymmetric_keys(settings):
    """The test settings verify with the legacy HS256 secret only, which W013 (a deploy
    check) warns about; these tests start from a project that also names its Supabase URL."""
    settings.USERSYNC_SUPABASE_URL = "https://abc.supabase.co"


def usersync_messages() -> list[CheckMessage]:
    # No database: Django 6.1 runs the database-tagged checks of a tag too, on every
    # alias unless told which (these tests are of the settings only).
    return run_checks(tags=[TAG], include_deployment_checks=True, databases=[])


def usersync_ids() -> list[str]:
    return [message.id for message in usersync_messages()]


def configure(settings, values: dict) -> None:
    for name, value in values.items():
        setattr(settings, PREFIX + name, value)


def test_checks__the_test_settings_pass_every_check():
    assert usersync_messages() == []


def test_checks__the_defaults_pass_all_but_the_missing_token_keys(settings):
    for name in DEFAULTS:
        if hasattr(settings, PREFIX + name):
            delattr(settings, PREFIX + name)
    assert run_checks(tags=[TAG], databases=[]) == []
    assert usersync_ids() == ["usersync.W001"]


@pytest.mark.parametrize(
    ("expected", "values"),
    [
        ("usersync.E001", {"ALLOWED_ROLES": []}),
        ("usersync.E001", {"ALLOWED_ROLES": "user,admin"}),
        ("usersync.E001", {"ALLOWED_ROLES": ["user", "admin", "r" * 51]}),
        ("usersync.E001", {"ALLOWED_ROLES": ["user", "admin", " "]}),
        ("usersync.E001", {"ALLOWED_ROLES": ["user", "admin", None]}),
        ("usersync.E002", {"ALLOWED_ROLES": ["user", "admin", "user"]}),
        ("usersync.E003", {"DEFAULT_ROLE": "member"}),
        ("usersync.E004", {"ADMIN_ROLE": "owner"}),
        ("usersync.E005", {"DEFAULT_ROLE": "admin"}),
        (
            "usersync.E005",
            {"ALLOWED_ROLES": ["boss"], "DEFAULT_ROLE": "boss", "ADMIN_ROLE": "boss"},
        ),
        ("usersync.E006", {"DATABASE": "supabase"}),
        ("usersync.E006", {"DATABASE": ["default"]}),
        ("usersync.E008", {"JWKS_URL": "http://project.supabase.co/auth/v1/.well-known/jwks.json"}),
        ("usersync.E008", {"JWKS_URL": "http://127.0.0.1:54321/auth/v1/.well-known/jwks.json"}),
        ("usersync.E008", {"JWKS_URL": "project.supabase.co/auth/v1/.well-known/jwks.json"}),
        ("usersync.E008", {"JWKS_URL": "https://"}),
        ("usersync.E009", {"JWKS": "{not json"}),
        ("usersync.E009", {"JWKS": '{"keys": []}'}),
        ("usersync.E009", {"JWKS": '[{"kty": "EC"}]'}),
        ("usersync.E009", {"JWKS": '{"keys": [{"kty": "nonsense"}]}'}),
        ("usersync.E010", {"JWT_AUDIENCE": ""}),
        ("usersync.E010", {"JWT_AUDIENCE": None}),
        ("usersync.E011", {"SYNC_BATCH_SIZE": 0}),
        ("usersync.E011", {"SYNC_BATCH_SIZE": "5000"}),
        ("usersync.E012", {"STATEMENT_TIMEOUT": 0}),
        ("usersync.E012", {"STATEMENT_TIMEOUT": 2.5}),
        ("usersync.E013", {"LEASE_SECONDS": 0}),
        ("usersync.E013", {"LEASE_SECONDS": True}),
        ("usersync.E014", {"HEALTH_TIME_LIMIT_SECONDS": 0}),
        ("usersync.E014", {"HEALTH_TIME_LIMIT_SECONDS": float("nan")}),
        ("usersync.E014", {"HEALTH_TIME_LIMIT_SECONDS": "5"}),
        ("usersync.E015", {"STATUS_CACHE_SECONDS": -1}),
        ("usersync.E016", {"LAST_LOGIN_INTERVAL_SECONDS": -300}),
        ("usersync.E016", {"LAST_LOGIN_INTERVAL_SECONDS": None}),
        ("usersync.E017", {"CHAT_ERROR_MAX_BYTES": 0}),
        ("usersync.E020", {"JWKS_CACHE_SECONDS": 0}),
        ("usersync.E020", {"JWKS_CACHE_SECONDS": "300"}),
        ("usersync.E021", {"CHAT_ERROR_PER_MINUTE": 0}),
        ("usersync.E022", {"CHAT_ERROR_PER_DAY": 2.5}),
        ("usersync.E018", {"ALLOW_DATA_LOSS": "false"}),
        ("usersync.E018", {"DISABLE_BOOTSTRAP": 1}),
        ("usersync.E018", {"JWT_SECRET": 12345}),
        ("usersync.E018", {"MONITORING_TOKEN": None}),
        ("usersync.E018", {"CHECK_SESSIONS": "false"}),
        ("usersync.E018", {"REQUIRE_SESSION_ID": 1}),
        ("usersync.E018", {"ALLOW_OAUTH_CLIENTS": "no"}),
        ("usersync.W001", {"JWT_SECRET": "", "SUPABASE_URL": ""}),
        ("usersync.W013", {"SUPABASE_URL": ""}),
        ("usersync.E035", {"SUPABASE_URL": "http://abc.supabase.co"}),
        ("usersync.E035", {"SUPABASE_URL": "https://abc.supabase.co/auth/v1"}),
        ("usersync.E035", {"SUPABASE_URL": "abc.supabase.co"}),
        ("usersync.E018", {"SUPABASE_URL": 42}),
        ("usersync.W002", {"LEASE_SECONDS": 30}),
        ("usersync.W002", {"LEASE_SECONDS": 10, "STATEMENT_TIMEOUT": 20}),
        ("usersync.W004", {"MONITORING_TOKEN": "m" * 31}),
        ("usersync.W005", {"JWKS": JWKS, "JWKS_URL": "https://p.supabase.co/jwks.json"}),
        ("usersync.W007", {"REQUIRE_SESSION_ID": True, "CHECK_SESSIONS": False}),
        ("usersync.W008", {"BAN_IN_SUPABASE_AUTH": False}),
        ("usersync.E018", {"BAN_IN_SUPABASE_AUTH": "off"}),
    ],
)
def test_checks__a_bad_value_gives_its_id_alone_in_one_line_with_a_hint(settings, expected, values):
    configure(settings, values)
    messages = usersync_messages()
    assert [m.id for m in messages] == [expected]
    (message,) = messages
    assert "\n" not in message.msg
    assert message.hint.startswith("Set ")


@pytest.mark.parametrize(
    "values",
    [
        {
            "ALLOWED_ROLES": ["member", "staff", "owner"],
            "DEFAULT_ROLE": "member",
            "ADMIN_ROLE": "owner",
        },
        {"ALLOWED_ROLES": ("user", "admin"), "JWT_SECRET": "", "JWKS": JWKS},
        {"JWT_SECRET": "", "JWKS_URL": "https://p.supabase.co/auth/v1/.well-known/jwks.json"},
        {"LEASE_SECONDS": 31, "STATUS_CACHE_SECONDS": 0, "LAST_LOGIN_INTERVAL_SECONDS": 0},
        {"HEALTH_TIME_LIMIT_SECONDS": 1, "MONITORING_TOKEN": ""},
        {"MONITORING_TOKEN": "m" * 32, "ALLOW_DATA_LOSS": True},
        {"REQUIRE_SESSION_ID": True, "CHECK_SESSIONS": True, "ALLOW_OAUTH_CLIENTS": True},
        {"REQUIRE_SESSION_ID": False, "CHECK_SESSIONS": False},
    ],
)
def test_checks__good_values_give_nothing(settings, values):
    configure(settings, values)
    assert usersync_messages() == []


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "[::1]"])
def test_checks__plain_http_jwks_url_to_this_machine_passes_only_with_debug(settings, host):
    settings.USERSYNC_JWKS_URL = f"http://{host}:54321/auth/v1/.well-known/jwks.json"
    settings.DEBUG = True
    assert usersync_messages() == []
    settings.DEBUG = False
    assert usersync_ids() == ["usersync.E008"]


def test_checks__plain_http_jwks_url_to_another_host_fails_also_with_debug(settings):
    settings.DEBUG = True
    settings.USERSYNC_JWKS_URL = "http://project.supabase.co/auth/v1/.well-known/jwks.json"
    assert usersync_ids() == ["usersync.E008"]


def with_database(settings, engine: str) -> None:
    settings.DATABASES = {**settings.DATABASES, "supabase": {"ENGINE": engine, "NAME": "x"}}
    settings.USERSYNC_DATABASE = "supabase"
    settings.DATABASE_ROUTERS = ["usersync.routers.UsersyncRouter"]


@pytest.mark.django_db  # Django 6.1 runs a tag's database checks too
def test_check_command__deploy_warns_when_only_the_hs256_secret_is_set(settings):
    settings.USERSYNC_SUPABASE_URL = ""
    stderr = StringIO()
    call_command("check", "--deploy", "--tag", TAG, stdout=StringIO(), stderr=stderr)
    assert "(usersync.W013) Only USERSYNC_JWT_SECRET (the legacy HS256 secret)" in (
        stderr.getvalue()
    )
    assert "HINT: Set USERSYNC_SUPABASE_URL to https://PROJECT.supabase.co" in stderr.getvalue()
    plain = StringIO()
    call_command("check", "--tag", TAG, stdout=plain, stderr=plain)
    assert "usersync.W013" not in plain.getvalue()


def test_check_command__deploy_is_quiet_with_the_supabase_url_alone(settings):
    settings.USERSYNC_JWT_SECRET = ""
    assert usersync_messages() == []


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
@pytest.mark.parametrize(
    "engine", ["django.db.backends.sqlite3", "no.such.backend", "django.db.backends.dummy", ""]
)
def test_checks__a_database_that_is_not_postgresql_is_e007(settings, engine):
    with_database(settings, engine)
    messages = usersync_messages()
    assert [m.id for m in messages] == ["usersync.E007"]
    assert "'supabase' named by USERSYNC_DATABASE" in messages[0].msg
    assert "\n" not in messages[0].msg


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
@pytest.mark.parametrize("engine", ["django.db.backends.postgresql", "project.embedded_backend"])
def test_checks__postgresql_and_backends_built_on_it_pass(settings, engine):
    with_database(settings, engine)
    assert usersync_messages() == []


def test_checks__a_missing_alias_names_the_aliases_there_are(settings):
    settings.USERSYNC_DATABASE = "supabase"
    (message,) = usersync_messages()
    assert message.msg == "USERSYNC_DATABASE 'supabase' is not an alias in DATABASES ('default')."


def test_checks__a_misspelt_setting_is_w003_with_the_name_it_resembles(settings):
    settings.USERSYNC_LEASE_SECOND = 10
    settings.USERSYNC_NO_SUCH_THING = True
    messages = usersync_messages()
    assert [(m.id, m.msg, m.hint) for m in messages] == [
        (
            "usersync.W003",
            "USERSYNC_LEASE_SECOND is not a usersync setting: it changes nothing.",
            "Did you mean USERSYNC_LEASE_SECONDS?",
        ),
        (
            "usersync.W003",
            "USERSYNC_NO_SUCH_THING is not a usersync setting: it changes nothing.",
            "Remove it; usersync's settings are listed in usersync.conf.",
        ),
    ]


def test_checks__roles_are_not_checked_against_a_malformed_role_list(settings):
    # A string is not a list of roles, although "user" in "user,admin" would be true.
    settings.USERSYNC_ALLOWED_ROLES = "user,admin"
    settings.USERSYNC_DEFAULT_ROLE = "nobody"
    assert usersync_ids() == ["usersync.E001"]


def test_check_command__fails_with_the_id_and_message_of_a_bad_setting(settings):
    settings.USERSYNC_DEFAULT_ROLE = "admin"
    with pytest.raises(SystemCheckError) as raised:
        call_command("check", stdout=StringIO(), stderr=StringIO())
    assert (
        "(usersync.E005) USERSYNC_DEFAULT_ROLE and USERSYNC_ADMIN_ROLE are both 'admin': "
        "every profile made by default would be an admin." in str(raised.value)
    )


@pytest.mark.django_db  # Django 6.1 runs a tag's database checks too
def test_check_command__deploy_warns_when_no_token_can_be_verified(settings):
    settings.USERSYNC_JWT_SECRET = ""
    settings.USERSYNC_SUPABASE_URL = ""
    stderr = StringIO()
    call_command("check", "--deploy", "--tag", TAG, stdout=StringIO(), stderr=stderr)
    assert "(usersync.W001) None of USERSYNC_SUPABASE_URL" in stderr.getvalue()
    plain = StringIO()
    call_command("check", "--tag", TAG, stdout=plain, stderr=plain)
    assert "usersync.W001" not in plain.getvalue()


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_checks__a_second_database_without_the_router_gives_e019(settings):
    settings.DATABASES = {**settings.DATABASES, "supabase": dict(settings.DATABASES["default"])}
    settings.USERSYNC_DATABASE = "supabase"
    settings.DATABASE_ROUTERS = []
    (message,) = usersync_messages()
    assert message.id == "usersync.E019"
    assert "add 'usersync.routers.UsersyncRouter' to DATABASE_ROUTERS" in message.msg


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_checks__a_second_database_with_the_router_passes(settings):
    settings.DATABASES = {**settings.DATABASES, "supabase": dict(settings.DATABASES["default"])}
    settings.USERSYNC_DATABASE = "supabase"
    settings.DATABASE_ROUTERS = ["usersync.routers.UsersyncRouter"]
    assert usersync_messages() == []
