"""The demo project's admin login is throttled (django-axes): five wrong passwords in a
row are answered as usual, the sixth is locked out, and so is the right one after it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")


def attempt(client, password: str) -> int:
    response = client.post(LOGIN, {"username": "staff", "password": password, "next": "/admin/"})
    return response.status_code


def test_admin_login__the_sixth_wrong_password_in_a_row_is_locked_out(client):
    User.objects.create_user("staff", "staff@example.com", "right-password", is_staff=True)
    assert [attempt(client, f"wrong-{n}") for n in range(5)] == [200] * 5
    assert attempt(client, "wrong-6") == 429
    assert attempt(client, "right-password") == 429


def test_admin_login__a_success_resets_the_count(client):
    User.objects.create_user("staff", "staff@example.com", "right-password", is_staff=True)
    assert [attempt(client, f"wrong-{n}") for n in range(5)] == [200] * 5
    assert attempt(client, "right-password") == 302
    client.logout()
    assert [attempt(client, f"wrong-{n}") for n in range(5)] == [200] * 5
