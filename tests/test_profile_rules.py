"""Every path that gives a profile its SSO fields gives the same ones: the triggers
(sign-ups as supabase_auth_admin, on a separate connection), the dry run, the sync
(creating, filling and --no-preserve), create_profile and the preservation report."""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
from dataclasses import dataclass, field

import psycopg
import pytest

from tests.db import connect
from usersync import sync
from usersync.models import UserProfile
from usersync.sync.profiles import create_profile, preservation_report

pytestmark = pytest.mark.django_db(transaction=True)

LONG = "sso:" + "p" * 60


@dataclass(frozen=True)
class Case:
    """A user as the auth service writes them. Identities are (provider, provider_id),
    oldest first; `linked_later` come in a later transaction, as when a signed-in user
    links another provider. `expected`: the SSO provider and provider user id."""

    name: str
    app_meta: dict
    identities: list[tuple[str, str]]
    expected: tuple[str | None, str | None]
    linked_later: list[tuple[str, str]] = field(default_factory=list)
    anonymous: bool = False


CASES = [
    Case("email only", {"provider": "email"}, [("email", "{id}")], (None, None)),
    Case("phone", {"provider": "phone"}, [("phone", "{id}")], (None, None)),
    Case("anonymous", {}, [], (None, None), anonymous=True),
    Case("google", {"provider": "google"}, [("google", "g-{id}")], ("google", "g-{id}")),
    Case(
        "email user who links github",
        {"provider": "email"},
        [("email", "{id}")],
        ("github", "gh-{id}"),
        linked_later=[("github", "gh-{id}")],
    ),
    Case(
        "google user whose github identity is older",
        {"provider": "google"},
        [("github", "gh-{id}"), ("google", "g-{id}")],
        ("google", "g-{id}"),
    ),
    Case(
        "sso user with two identities",
        {"provider": "sso:acme"},
        [("sso:acme", "saml-{id}"), ("azure", "az-{id}")],
        ("sso:acme", "saml-{id}"),
    ),
    Case(
        "email user who linked github, then google",
        {"provider": "email"},
        [("email", "{id}"), ("github", "gh-{id}"), ("google", "g-{id}")],
        ("github", "gh-{id}"),
    ),
    Case(
        "provider id longer than the column",
        {"provider": "github"},
        [("github", "{id}" + "9" * 300)],
        ("github", ("{id}" + "9" * 300)),
    ),
    Case(
        "provider name longer than the column",
        {"provider": LONG},
        [(LONG, "long-{id}")],
        (LONG, "long-{id}"),
    ),
]


def _fill(template: str | None, user_id: uuid.UUID) -> str | None:
    return None if template is None else template.format(id=user_id.hex)


def expected(case: Case, user_id: uuid.UUID) -> tuple[str | None, str | None]:
    provider, provider_id = case.expected
    provider_id = _fill(provider_id, user_id)
    return (
        provider[:50] if provider else None,
        provider_id[:255] if provider_id else None,
    )


def _insert_identities(conn, user_id: uuid.UUID, identities, first: dt.datetime) -> None:
    for n, (provider, provider_id) in enumerate(identities):
        conn.execute(
            "INSERT INTO identities (provider_id, user_id, identity_data, provider, "
            "created_at, updated_at) VALUES (%s, %s, '{}', %s, %s, %s)",
            [
                _fill(provider_id, user_id),
                user_id,
                provider,
                *[first + dt.timedelta(minutes=n)] * 2,
            ],
        )


def sign_up(case: Case) -> uuid.UUID:
    """What the auth service does: the user and their identities in one transaction,
    as supabase_auth_admin (search_path auth); linked identities in a later one."""
    user_id = uuid.uuid4()
    start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    with connect(user="supabase_auth_admin") as conn:
        with conn.transaction():
            conn.execute(
                "INSERT INTO users (instance_id, id, aud, role, email, raw_app_meta_data, "
                "raw_user_meta_data, is_anonymous, created_at, updated_at) VALUES "
                "('00000000-0000-0000-0000-000000000000', %s, 'authenticated', "
                "'authenticated', %s, %s, '{}', %s, now(), now())",
                [
                    user_id,
                    None if case.anonymous else f"{user_id.hex}@example.com",
                    psycopg.types.json.Jsonb(case.app_meta),
                    case.anonymous,
                ],
            )
            _insert_identities(conn, user_id, case.identities, start)
        if case.linked_later:
            with conn.transaction():
                _insert_identities(conn, user_id, case.linked_later, start + dt.timedelta(days=1))
    return user_id


def sso_fields(user_id: uuid.UUID) -> tuple[str | None, str | None]:
    profile = UserProfile.objects.get(user_id=user_id)
    return profile.sso_provider, profile.sso_user_id


@pytest.fixture
def users() -> dict[uuid.UUID, Case]:
    return {sign_up(case): case for case in CASES}


def test_triggers__give_every_sign_up_the_rules_sso_fields(users):
    found = {users[u].name: sso_fields(u) for u in users}
    assert found == {case.name: expected(case, u) for u, case in users.items()}


def test_dry_run_and_sync__create_what_the_triggers_made(users):
    made = {u: sso_fields(u) for u in users}
    UserProfile.objects.all().delete()
    plan = sync.plan(sample_limit=100)
    assert (plan.would_create, plan.would_fill) == (len(CASES), 0)
    assert {p.user_id: (p.sso_provider, p.sso_user_id) for p in plan.sample} == made
    assert sync.sync(batch_size=3).created == len(CASES)
    assert {u: sso_fields(u) for u in users} == made


def test_dry_run_and_sync__fill_emptied_sso_fields_as_the_triggers_set_them(users):
    made = {u: sso_fields(u) for u in users}
    UserProfile.objects.update(sso_provider=None, sso_user_id=None)
    with_sso = sum(1 for fields in made.values() if fields != (None, None))
    assert sync.plan().would_fill == with_sso
    assert sync.sync(batch_size=4).filled == with_sso
    assert {u: sso_fields(u) for u in users} == made
    assert sync.plan().would_fill == 0


def test_sync_without_preserve__resets_to_what_the_triggers_made(users):
    made = {u: sso_fields(u) for u in users}
    UserProfile.objects.update(sso_provider="edited", sso_user_id="edited")
    assert sync.sync(preserve=False).reset == len(CASES)
    assert {u: sso_fields(u) for u in users} == made


def test_create_profile__gives_what_the_triggers_made(users):
    made = {u: sso_fields(u) for u in users}
    UserProfile.objects.all().delete()
    created = {u: create_profile(u) for u in users}
    assert {u: (p.sso_provider, p.sso_user_id) for u, p in created.items()} == made


def test_preservation_report__sees_the_triggers_sso_fields_as_the_defaults(users):
    assert preservation_report(list(users)).profiles == []
    linked = next(u for u, case in users.items() if case.linked_later)
    UserProfile.objects.filter(user_id=linked).update(sso_user_id="edited")
    report = preservation_report(list(users))
    assert [(p.user_id, p.preserved) for p in report.profiles] == [
        (linked, {"sso_user_id": "edited"})
    ]


def test_identity_trigger__never_changes_a_provider_set_by_hand():
    case = Case("email user", {"provider": "email"}, [("email", "{id}")], (None, None))
    user_id = sign_up(case)
    UserProfile.objects.filter(user_id=user_id).update(sso_provider="okta")
    with connect(user="supabase_auth_admin") as conn:
        _insert_identities(conn, user_id, [("github", "gh-{id}")], dt.datetime.now(dt.UTC))
    # The id belongs to its provider: github's id is not okta's.
    assert sso_fields(user_id) == ("okta", None)
    assert sync.plan().would_fill == 0


def test_sync__keeps_a_staff_edit_it_waited_for_and_still_fills_the_rest():
    user_id = sign_up(CASES[3])  # google
    signed_in = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
    with connect() as admin:
        admin.execute(
            "UPDATE auth.users SET last_sign_in_at = %s WHERE id = %s", [signed_in, user_id]
        )
    UserProfile.objects.filter(user_id=user_id).update(
        sso_provider=None, sso_user_id=None, last_login=None
    )
    results: list = []
    with connect(autocommit=False) as staff, connect() as watcher:
        staff.execute(
            "UPDATE public.user_profiles SET sso_provider = 'okta', sso_user_id = 'staff' "
            "WHERE user_id = %s",
            [user_id],
        )
        syncing = threading.Thread(target=lambda: results.append(sync.sync()))
        syncing.start()
        # The batch has read the profile and waits for the staff edit's row lock.
        deadline = time.monotonic() + 30
        while not watcher.execute(
            "SELECT EXISTS (SELECT FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND query LIKE '%%batch of the sync%%' AND pid <> pg_backend_pid())"
        ).fetchone()[0]:
            assert time.monotonic() < deadline, "the sync never waited for the row lock"
        staff.commit()
        syncing.join()
    assert results[0].filled == 1
    profile = UserProfile.objects.get(user_id=user_id)
    assert (profile.sso_provider, profile.sso_user_id, profile.last_login) == (
        "okta",
        "staff",
        signed_in,
    )
