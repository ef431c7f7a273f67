from __future__ import annotations

import pytest

from usersync.models import AuthUser, ReadOnlyModelError


@pytest.mark.django_db
def test_auth_user__is_read_only_from_django(auth_user_factory):
    user = auth_user_factory(provider="google")
    assert (user.provider, str(user)) == ("google", user.email)
    with pytest.raises(ReadOnlyModelError, match=r"auth\.users is read-only from Django"):
        user.save()
    with pytest.raises(ReadOnlyModelError):
        user.delete()
    with pytest.raises(ReadOnlyModelError):
        AuthUser.objects.filter(pk=user.pk).update(email="x@example.com")
    with pytest.raises(ReadOnlyModelError):
        AuthUser.objects.all().delete()
    assert AuthUser.objects.get(pk=user.pk).email == user.email


@pytest.mark.django_db
def test_profile__is_reachable_from_its_auth_user(auth_user_factory):
    user = auth_user_factory()
    assert user.profile.role == "user"
    assert user.profile.user_id == user.pk
