"""The demo project's admin login is throttled (django-axes): the fifth wrong password in
a row locks the account, so the sixth attempt is refused even with the right password."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")


def attempt(client, password: str) -> int:
    response = client.post(LOGIN, {"username": "staff", "password": password, "next": "/admin/"})
    return response.status_code


def test_admin_login__the_fifth_wrong_password_in_a_row_locks_the_account(client):
    User.objects.create_user("staff", "staff@example.com", "right-password", is_staff=True)
    assert [attempt(client, f"wrong-{n}") for n in range(4)] == [200] * 4
    assert attempt(client, "wrong-5") == 429
    assert attempt(client, "wrong-6") == 429


def test_admin_login__after_five_wrong_passwords_the_right_one_on_the_sixth_try_is_refused(
    client,
):
    User.objects.create_user("staff", "staff@example.com", "right-password", is_staff=True)
    for n in range(5):
        attempt(client, f"wrong-{n}")
    assert attempt(client, "right-password") == 429
    assert "_auth_user_id" not in client.session


def test_admin_login__a_success_resets_the_count(client):
    User.objects.create_user("staff", "staff@example.com", "right-password", is_staff=True)
    assert [attempt(client, f"wrong-{n}") for n in range(4)] == [200] * 4
    assert attempt(client, "right-password") == 302
    client.logout()
    assert [attempt(client, f"wrong-{n}") for n in range(4)] == [200] * 4
