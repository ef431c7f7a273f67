"""Preserve mode never changes an existing profile value: a property over random data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import AuthUserFactory
from usersync import sync
from usersync.models import UserProfile

FIELDS = [
    "role",
    "is_active",
    "last_login",
    "deactivated_at",
    "deactivation_reason",
    "sso_provider",
    "sso_user_id",
]
# Filled from auth data only where NULL: the field and where its value comes from.
FILLABLE = {"sso_provider", "sso_user_id"}
# Not a setting but a fact: it follows auth's last sign-in forward, never back.
FOLLOWS_SIGN_INS = "last_login"

moments = st.datetimes(
    min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2030, 1, 1), timezones=st.just(dt.UTC)
)
text = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40
)
profile_values = st.fixed_dictionaries(
    {
        "role": st.sampled_from(["user", "admin"]),
        "is_active": st.none() | st.booleans(),
        "last_login": st.none() | moments,
        "deactivated_at": st.none() | moments,
        "deactivation_reason": st.none() | text,
        "sso_provider": st.none()
        | st.text(min_size=1, max_size=50).filter(lambda s: "\x00" not in s),
        "sso_user_id": st.none() | text,
    }
)
users = st.lists(
    st.tuples(
        st.sampled_from(["email", "google", "github", "phone"]),
        st.none() | moments,
        profile_values,
    ),
    min_size=1,
    max_size=4,
)


class Rollback(Exception):
    pass


@pytest.mark.django_db
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(examples=users, batch_size=st.integers(min_value=1, max_value=3))
def test_preserve_mode__never_changes_a_set_value(examples, batch_size):
    try:
        with transaction.atomic():
            before = {}
            sign_ins = {}
            for provider, signed_in, values in examples:
                user = AuthUserFactory(provider=provider, last_sign_in_at=signed_in)
                UserProfile.objects.filter(user_id=user.pk).update(**values)
                before[user.pk] = values
                sign_ins[user.pk] = signed_in
            sync.plan()
            sync.sync(batch_size=batch_size)
            sync.sync(batch_size=batch_size)
            after = {p["user_id"]: p for p in UserProfile.objects.values("user_id", *FIELDS)}
            for user_id, values in before.items():
                latest = [m for m in (values[FOLLOWS_SIGN_INS], sign_ins[user_id]) if m]
                assert after[user_id][FOLLOWS_SIGN_INS] == (max(latest) if latest else None)
                for field in FIELDS:
                    if field == FOLLOWS_SIGN_INS:
                        continue
                    if values[field] is not None or field not in FILLABLE:
                        assert after[user_id][field] == values[field], (field, values)
            raise Rollback
    except Rollback:
        pass
