from __future__ import annotations

import json
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
