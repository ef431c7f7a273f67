"""The quota of POST /api/chat-errors (usersync.logs.quota): per user, a limit per
minute and a cap per 24 hours, answered 429 with Retry-After; counted in PostgreSQL.
Time passes by moving the stored rows back, never by waiting."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import F

from tests.tokens import bearer, make_token
from usersync.models import ChatErrorLog

BODY = {"error_type": "timeout", "message": "no answer"}


@pytest.fixture
def quota(settings):
    settings.USERSYNC_CHAT_ERROR_PER_MINUTE = 3
    settings.USERSYNC_CHAT_ERROR_PER_DAY = 5
    return settings


def post(client, user):
    return client.post(
        "/api/chat-errors",
        BODY,
        content_type="application/json",
        headers=bearer(make_token(user.pk)),
    )


def age(user, by: timedelta, oldest_only: bool = False) -> None:
    rows = ChatErrorLog.objects.filter(user_id=user.pk).order_by("created_at")
    if oldest_only:
        rows = ChatErrorLog.objects.filter(pk=rows.first().pk)
    rows.update(created_at=F("created_at") - by)


def test_chat_errors__past_the_minute_limit_is_429_with_retry_after(
    client, auth_user_factory, quota
):
    user = auth_user_factory()
    assert [post(client, user).status_code for _ in range(3)] == [201, 201, 201]
    refused = post(client, user)
    assert refused.status_code == 429
    assert refused.json() == {"error": "at most 3 chat errors a minute; try again later"}
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert ChatErrorLog.objects.filter(user_id=user.pk).count() == 3


def test_chat_errors__the_minute_limit_frees_as_the_minute_passes(client, auth_user_factory, quota):
    user = auth_user_factory()
    for _ in range(3):
        post(client, user)
    age(user, timedelta(seconds=61))
    assert post(client, user).status_code == 201


def test_chat_errors__past_the_daily_cap_is_429_until_the_oldest_is_a_day_old(
    client, auth_user_factory, quota
):
    user = auth_user_factory()
    for _ in range(5):
        post(client, user)
        age(user, timedelta(minutes=5))  # the minute limit never bites
    age(user, timedelta(hours=23), oldest_only=True)  # now 23 h 25 min old
    refused = post(client, user)
    assert refused.status_code == 429
    assert refused.json() == {"error": "at most 5 chat errors a day; try again later"}
    assert 2_000 < int(refused["Retry-After"]) <= 35 * 60
    age(user, timedelta(minutes=35), oldest_only=True)
    assert post(client, user).status_code == 201


def test_chat_errors__one_users_quota_leaves_anothers_alone(client, auth_user_factory, quota):
    busy, other = auth_user_factory(), auth_user_factory()
    for _ in range(3):
        post(client, busy)
    assert post(client, busy).status_code == 429
    assert post(client, other).status_code == 201


def test_chat_errors__default_quota_is_bounded(client, auth_user_factory):
    user = auth_user_factory()
    statuses = [post(client, user).status_code for _ in range(11)]
    assert statuses == [201] * 10 + [429]


@pytest.mark.django_db(transaction=True)
def test_chat_errors__concurrent_posts_of_one_user_never_overshoot(auth_user_factory, quota):
    from django.test import Client

    user = auth_user_factory()
    start = threading.Barrier(8)
    statuses: list[int] = []

    def one_post() -> None:
        start.wait()
        try:
            statuses.append(post(Client(), user).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=one_post) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201] * 3 + [429] * 5
    assert ChatErrorLog.objects.filter(user_id=user.pk).count() == 3
