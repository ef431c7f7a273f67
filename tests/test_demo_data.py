from __future__ import annotations

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from usersync.models import AuthUser, UserProfile

pytestmark = pytest.mark.django_db


def test_seed__creates_users_with_the_provider_mix_and_legacy_users_without_profiles():
    out = StringIO()
    call_command("seed_demo_users", "400", "--without-profiles", "30%", "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert result["users"] == 400
    assert AuthUser.objects.count() == 400
    assert UserProfile.objects.count() == 400 - result["without_profiles"]
    assert 60 < result["without_profiles"] < 180
    providers = {u.provider for u in AuthUser.objects.all()}
    assert {"email", "google", "github", "phone", "anonymous"} <= providers
    assert any(p.startswith("sso:") for p in providers)
    oauth = UserProfile.objects.filter(sso_provider__in=["google", "github"])
    assert oauth.exists() and not oauth.filter(sso_user_id__isnull=True).exists()


def test_seed__refuses_a_database_whose_auth_schema_is_not_the_standin():
    with connection.cursor() as cursor:
        cursor.execute("COMMENT ON SCHEMA auth IS 'supabase auth'")
    with pytest.raises(CommandError, match="not the local Supabase stand-in") as error:
        call_command("seed_demo_users", "5")
    assert error.value.returncode == 2
    assert AuthUser.objects.count() == 0


@pytest.mark.parametrize(
    "unmigrate",
    ["ALTER SCHEMA auth RENAME TO auth_before_migrate", "DROP TABLE public.user_profiles CASCADE"],
)
def test_seed__on_an_unmigrated_database_says_in_one_line_to_run_migrate(unmigrate):
    with connection.cursor() as cursor:
        cursor.execute(unmigrate)
    with pytest.raises(CommandError) as error:
        call_command("seed_demo_users", "5", stdout=StringIO())
    message = str(error.value)
    assert error.value.returncode == 2 and "\n" not in message
    assert message.startswith("the database at ")
    assert message.endswith(
        "is not migrated yet (no auth schema or no user_profiles); run: python manage.py migrate"
    )


def test_seed__names_people_readably_and_keeps_emails_unique_across_runs():
    for _ in range(2):
        call_command("seed_demo_users", "300", stdout=StringIO())
    with_email = AuthUser.objects.exclude(email=None)
    emails = list(with_email.values_list("email", flat=True))
    assert len(emails) == len(set(emails)) > 300
    pattern = re.compile(r"^[a-z]{2,20}\.[a-z]{2,20}\.\d+@example\.(com|org|net)$")
    assert all(pattern.match(email) for email in emails)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT raw_user_meta_data ->> 'full_name' FROM auth.users WHERE email IS NOT NULL"
        )
        names = {row[0] for row in cursor.fetchall()}
    assert len(names) > 100
    first, last = next(iter(names)).split(" ")
    assert first.istitle() and last.istitle()


@pytest.mark.parametrize("count, share, expected", [(50, "2%", 1), (50, "10%", 5), (7, "50%", 4)])
def test_seed__deleted_share_is_exact_like_without_profiles(count, share, expected):
    out = StringIO()
    call_command(
        "seed_demo_users",
        str(count),
        "--deleted",
        share,
        "--without-profiles",
        "30%",
        "--json",
        stdout=out,
    )
    assert json.loads(out.getvalue())["deleted"] == expected
    assert AuthUser.objects.exclude(deleted_at=None).count() == expected


def test_seed__says_it_in_good_english_for_one_user():
    out = StringIO()
    call_command("seed_demo_users", "1", "--without-profiles", "100%", stdout=out)
    assert out.getvalue().strip() == "Created 1 demo user; 1 of them has no profile."
