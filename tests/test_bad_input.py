"""Bad input across the commands: each gives one clear error and exit code 2, and
the database is unchanged. Plus generated arguments: no traceback ever escapes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.tokens import JWT_SECRET

pytestmark = pytest.mark.django_db

UNKNOWN = "00000000-0000-0000-0000-000000000000"


def database_fingerprint() -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT (SELECT md5(coalesce(string_agg(p::text, '|' ORDER BY p.id), ''))
                      FROM public.user_profiles p),
                   (SELECT count(*) FROM public.admin_audit_log),
                   (SELECT count(*) FROM usersync.sync_runs),
                   (SELECT count(*) FROM usersync.sync_lease),
                   (SELECT count(*) FROM auth.users),
                   (SELECT count(*) FROM public.chat_error_log)
            """
        )
        return cursor.fetchone()


@pytest.fixture
def people(auth_user_factory):
    missing = auth_user_factory(with_profile=False)
    return {
        "{missing}": str(missing.pk),
        "{existing}": str(auth_user_factory().pk),
        "{deleted}": str(auth_user_factory(with_profile=False, deleted_at=timezone.now()).pk),
    }


BAD_INPUTS = [
    (["create_profile", ""], "not a user id"),
    (["create_profile", "x" * 10_000], "not a user id"),
    (["create_profile", "ñandú-🙂"], "not a user id"),
    (["create_profile", "'; DROP TABLE user_profiles; --"], "not a user id"),
    (["create_profile", "123"], "not a user id"),
    (["create_profile", UNKNOWN], f"no auth user with id {UNKNOWN}"),
    (["create_profile", "{existing}"], "already has a profile (role user, active)"),
    (["create_profile", "{deleted}"], "deleted users get no profile"),
    (["create_profile", "{missing}", "--role", ""], "unknown role ''"),
    (["create_profile", "{missing}", "--role", "ADMIN"], "unknown role 'ADMIN'"),
    (["create_profile", "{missing}", "--role", "admin'; --"], 'unknown role "admin\'; --"'),
    (["create_profile", "{missing}", "--role", "r" * 500], "unknown role 'rrrrr"),
    (["create_profile", "{missing}", "--role", "администратор"], "unknown role 'администратор'"),
    (["create_profile"], "the following arguments are required: user_id"),
    (["create_profile", "{missing}", "extra"], "unrecognized arguments: extra"),
    (["sync_users", "--batch-size", "0"], "expected a number of at least 1, got 0"),
    (["sync_users", "--batch-size", "-1"], "expected a number of at least 1, got -1"),
    (["sync_users", "--batch-size", "1e3"], "expected a whole number, got '1e3'"),
    (["sync_users", "--batch-size", ""], "expected a whole number, got ''"),
    (["sync_users", "--batch-size", "9" * 30], "batch size must be at most 100000"),
    (["sync_users", "--yes"], "--yes only confirms --no-preserve"),
    (["sync_users", "--no-preserve"], "Confirm with --yes"),
    (["sync_users", "--dry-run", "--batch-size", "x"], "expected a whole number, got 'x'"),
    (["preservation_report", "not-a-uuid"], "not a user id"),
    (["preservation_report", "{existing}", "bad"], "not a user id"),
    (["preservation_report", "--limit", "-1"], "expected 0 or more, got -1"),
    (["preservation_report", "--limit", "many"], "expected a whole number, got 'many'"),
    (["sync_status", "--fail-on-missing", "--bogus"], "unrecognized arguments: --bogus"),
    (["verify_migration", "now"], "unrecognized arguments: now"),
    (["seed_demo_users", "0"], "expected a number of at least 1, got 0"),
    (["seed_demo_users", "-5"], "expected a number of at least 1, got -5"),
    (["seed_demo_users", "10", "--without-profiles", "150%"], "between 0% and 100%"),
    (["seed_demo_users", "10", "--without-profiles", "abc"], "expected a share like 30%"),
    (["seed_demo_users", "10", "--deleted=-1%"], "between 0% and 100%"),
]


@pytest.mark.parametrize(("args", "message"), BAD_INPUTS, ids=lambda v: repr(v)[:60])
def test_bad_input__one_clear_error_exit_2_and_nothing_changes(people, args, message):
    args = [people.get(a, a) for a in args]
    before = database_fingerprint()
    with pytest.raises(CommandError) as error:
        call_command(*args, stdout=StringIO(), stderr=StringIO())
    assert error.value.returncode == 2
    assert message in str(error.value)
    assert len(str(error.value).splitlines()) == 1
    assert len(str(error.value)) < 400
    assert database_fingerprint() == before


COMMANDS = [
    "sync_users",
    "sync_status",
    "create_profile",
    "preservation_report",
    "verify_migration",
    "seed_demo_users",
]
OPTIONS = [
    "--dry-run",
    "--json",
    "--verbose",
    "--no-preserve",
    "--yes",
    "--batch-size",
    "--wait",
    "--fail-on-missing",
    "--role",
    "--inactive",
    "--limit",
    "--e2e",
    "--without-profiles",
    "--deleted",
    "-v",
    "--",
    "-",
]
tokens = (
    st.sampled_from(OPTIONS)
    | st.integers(min_value=-3, max_value=12).map(str)
    | st.uuids().map(str)
    | st.sampled_from(["user", "admin", "30%", "", " ", "0x10", "nan", "inf", "1e9"])
    | st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12)
)


class Rollback(Exception):
    pass


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(command=st.sampled_from(COMMANDS), args=st.lists(tokens, max_size=5))
def test_generated_arguments__never_let_a_traceback_escape(people, command, args):
    try:
        with transaction.atomic():
            try:
                call_command(command, *args, stdout=StringIO(), stderr=StringIO())
            except CommandError as error:
                assert error.returncode in (1, 2)
                assert len(str(error).splitlines()) == 1
            raise Rollback
    except Rollback:
        pass


# The API and the admin: each bad request is a 4xx with a clear message; nothing changes.

API_BAD_REQUESTS = [
    ("get", "/api/users/?limit=-1", None, "application/json", 400),
    ("get", "/api/users/?after=%27%3B%20DROP%20TABLE%20user_profiles%3B--", None, None, 400),
    ("get", "/api/users/?role=%00", None, None, 400),
    ("get", "/api/users/not-a-uuid/", None, None, 400),
    ("get", f"/api/users/{UNKNOWN}/", None, None, 404),
    ("patch", "/api/users/{missing}/", "{not json", "application/json", 400),
    ("patch", "/api/users/{existing}/", '{"role": "admin"}', "text/plain", 415),
    ("post", "/api/sync", "dry_run=true", "application/x-www-form-urlencoded", 415),
    ("patch", "/api/users/{existing}/", "[1, 2, 3]", "application/json", 400),
    ("patch", "/api/users/{existing}/", '{"role": "ñandú🙂"}', "application/json", 400),
    (
        "patch",
        "/api/users/{existing}/",
        '{"is_active": false, "reason": ""}',
        "application/json",
        400,
    ),
    ("patch", "/api/users/{existing}/", '{"is_active": "false"}', "application/json", 400),
    ("patch", "/api/users/{missing}/", '{"role": "admin"}', "application/json", 409),
    ("post", "/api/users/{existing}/profile", "{}", "application/json", 409),
    ("post", "/api/users/{deleted}/profile", "{}", "application/json", 400),
    ("post", "/api/users/{missing}/profile", '{"role": "root"}', "application/json", 400),
    ("post", "/api/sync", '{"dry_run": "yes"}', "application/json", 400),
    ("post", "/api/sync", '{"preserve": false}', "application/json", 400),
    ("delete", "/api/users/{existing}/", None, None, 405),
]


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


CHAT = '"error_type": "timeout", "message": "no answer"'
# Bodies Python's json reads but PostgreSQL, UTF-8 or the recursion limit would not take.
UNSTORABLE_BODIES = [
    ("post", "/api/chat-errors", f'{{{CHAT}, "context": {{"v": NaN}}}}'),
    ("post", "/api/chat-errors", f'{{{CHAT}, "context": {{"v": Infinity}}}}'),
    ("post", "/api/chat-errors", f'{{{CHAT}, "context": [-Infinity]}}'),
    ("post", "/api/chat-errors", '{"error_type": "timeout", "message": "\\ud800"}'),
    ("post", "/api/chat-errors", f'{{{CHAT}, "context": {{"\\udfff": 1}}}}'),
    ("post", "/api/chat-errors", f'{{{CHAT}, "context": {nested(700)}}}'),
    ("post", "/api/chat-errors", f'{{{CHAT}, "context": {nested(5_000)}}}'),
    ("patch", "/api/users/{existing}/", '{"role": "user", "reason": NaN}'),
    ("patch", "/api/users/{existing}/", '{"is_active": Infinity}'),
    ("patch", "/api/users/{existing}/", '{"is_active": false, "reason": "\\ud800"}'),
    ("patch", "/api/users/{existing}/", f'{{"reason": {nested(700)}}}'),
    ("patch", "/api/users/{existing}/", f'{{"reason": {nested(5_000)}}}'),
]
API_BAD_REQUESTS += [(m, url, body, "application/json", 400) for m, url, body in UNSTORABLE_BODIES]


@pytest.mark.parametrize(
    ("method", "url", "body", "content_type", "status"),
    API_BAD_REQUESTS,
    ids=lambda v: str(v)[:50],
)
def test_api_bad_request__is_a_4xx_json_error_and_changes_nothing(
    client, admin, admin_headers, people, method, url, body, content_type, status
):
    from usersync.models import UserProfile

    for placeholder, user_id in people.items():
        url = url.replace(placeholder, user_id)
    # Signed in just now: the request writes no last_login of its own.
    UserProfile.objects.filter(user_id=admin.pk).update(last_login=timezone.now())
    before = database_fingerprint()
    kwargs = {"headers": admin_headers}
    if body is not None:
        kwargs.update(data=body, content_type=content_type)
    response = getattr(client, method)(url, **kwargs)
    assert response.status_code == status
    assert response.json()["error"]
    assert "Traceback" not in response.content.decode()
    assert database_fingerprint() == before


ADMIN_LIST = "/admin/usersync/userprofile/"


@pytest.mark.parametrize(
    ("form", "error"),
    [
        ({"reason": ""}, "This field is required."),
        ({"reason": "r" * 256}, "Ensure this value has at most 255 characters (it has 256)."),
    ],
)
def test_admin_bad_deactivation_reason__shows_the_form_again_and_changes_nothing(
    admin_client, people, form, error
):
    from usersync.models import UserProfile

    before = database_fingerprint()
    profile = UserProfile.objects.get(user_id=people["{existing}"])
    response = admin_client.post(
        ADMIN_LIST,
        {"action": "deactivate_selected", "_selected_action": [profile.pk], "post": "yes", **form},
    )
    assert response.status_code == 200
    assert error in response.context["form"].errors["reason"]
    assert database_fingerprint() == before


@pytest.mark.parametrize("term", ["'; DROP TABLE user_profiles; --", "%_%", "ñandú🙂", "x" * 300])
def test_admin_search__odd_terms_are_just_searched(admin_client, people, term):
    before = database_fingerprint()
    response = admin_client.get(ADMIN_LIST, {"q": term})
    assert response.status_code == 200
    assert database_fingerprint() == before


def test_admin_role_outside_the_allowed_roles__is_a_form_error(admin_client, people):
    from usersync.models import UserProfile

    before = database_fingerprint()
    profile = UserProfile.objects.get(user_id=people["{existing}"])
    response = admin_client.post(f"{ADMIN_LIST}{profile.pk}/change/", {"role": "root"})
    assert response.status_code == 200
    assert "Select a valid choice" in str(response.context["adminform"].form.errors["role"])
    assert database_fingerprint() == before


def hs256_token_with_header(header: dict, sub: str) -> str:
    def b64(data: bytes) -> bytes:
        return base64.urlsafe_b64encode(data).rstrip(b"=")

    claims = {"sub": sub, "aud": "authenticated", "exp": int(time.time()) + 600}
    signing_input = b64(json.dumps(header).encode()) + b"." + b64(json.dumps(claims).encode())
    signature = b64(hmac.new(JWT_SECRET.encode(), signing_input, hashlib.sha256).digest())
    return (signing_input + b"." + signature).decode()


@pytest.mark.parametrize(
    "header",
    [
        {"alg": ["HS256"], "typ": "JWT"},
        {"alg": {"HS256": True}, "typ": "JWT"},
        {"alg": None, "typ": "JWT"},
        {"alg": 256, "typ": "JWT"},
        {"alg": "RS256", "kid": ["a"], "typ": "JWT"},
    ],
    ids=str,
)
@pytest.mark.parametrize(
    ("method", "url"), [("post", "/api/chat-errors"), ("patch", "/api/users/{existing}/")]
)
def test_api_token_with_an_odd_header__is_a_401_json_error(
    client, admin, people, header, method, url
):
    url = url.replace("{existing}", people["{existing}"])
    token = hs256_token_with_header(header, str(admin.pk))
    response = getattr(client, method)(
        url,
        '{"error_type": "x", "message": "y"}',
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 401
    assert response.json()["error"] in ("token is malformed", "token is invalid")


HUGE_INTEGER = "9" * 5_000
# Numbers Python's json reads but PostgreSQL cannot store: each a 400 naming the field.
UNSTORABLE_NUMBERS = [
    ("post", "/api/chat-errors", f'{{{CHAT}, "context": {{"a": 1e999}}}}', "context"),
    ("post", "/api/chat-errors", f'{{{CHAT}, "context": {{"a": [-1e400]}}}}', "context"),
    ("post", "/api/chat-errors", f'{{{CHAT}, "context": {{"a": {HUGE_INTEGER}}}}}', "context"),
    ("post", "/api/chat-errors", f'{{{CHAT}, "context": {{"a": 1{"0" * 200}}}}}', "context"),
    ("patch", "/api/users/{existing}/", '{"is_active": 1e999}', "is_active"),
    ("post", "/api/sync", f'{{"dry_run": {HUGE_INTEGER}}}', "dry_run"),
]


@pytest.mark.parametrize(
    ("method", "url", "body", "field"), UNSTORABLE_NUMBERS, ids=lambda v: str(v)[:40]
)
def test_api_unstorable_number__is_a_400_naming_the_field_and_changes_nothing(
    client, admin, admin_headers, people, method, url, body, field
):
    from usersync.models import UserProfile

    for placeholder, user_id in people.items():
        url = url.replace(placeholder, user_id)
    UserProfile.objects.filter(user_id=admin.pk).update(last_login=timezone.now())
    before = database_fingerprint()
    response = getattr(client, method)(
        url, data=body, content_type="application/json", headers=admin_headers
    )
    assert response.status_code == 400
    assert response.json()["field"] == field
    assert "too large to store" in response.json()["error"]
    assert database_fingerprint() == before


def test_record_chat_error__an_infinity_from_python_is_an_invalid_context(auth_user_factory):
    from usersync.errors import InvalidField
    from usersync.logs.records import record_chat_error

    user = auth_user_factory()
    with pytest.raises(InvalidField) as error:
        record_chat_error(user.pk, "timeout", "no answer", {"a": float("inf")})
    assert error.value.field == "context"
