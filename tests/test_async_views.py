"""supabase_user_required on `async def` views, through Django's AsyncClient (the ASGI
handler, in this test's event loop): the same rules as the sync views, two requests in
flight at once, and the event loop free while the account's database work runs.
Events decide every ordering; the timeouts only turn a hang into a failure."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.db import connections
from django.test import AsyncClient
from django.utils.module_loading import import_string

from tests import urls as test_urls
from tests.factories import AuthUserFactory
from tests.tokens import bearer, make_token
from usersync.access import accounts
from usersync.models import UserProfile

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.urls("tests.urls")]
TIMEOUT = 10


def run(main: Callable[[], Awaitable[Any]]) -> Any:
    """Run `main` in a new event loop, then close the connections the ASGI handler's
    thread for synchronous code opened (it outlives the request)."""

    async def wrapped() -> Any:
        try:
            return await main()
        finally:
            await sync_to_async(connections.close_all)()

    return asyncio.run(wrapped())


def headers_of(user: Any) -> dict[str, str]:
    return {"headers": bearer(make_token(user.pk))}


def test_async_view__lets_an_active_user_in_and_makes_a_missing_profile():
    user, bare = AuthUserFactory(), AuthUserFactory(with_profile=False)

    async def main():
        client = AsyncClient()
        return (
            await client.get("/app/async/whoami", **headers_of(user)),
            await client.get("/app/async/whoami", **headers_of(bare)),
            await client.get("/app/async/whoami"),
        )

    signed_in, made, anonymous = run(main)
    assert signed_in.status_code == 200 and signed_in.json()["user_id"] == str(user.pk)
    assert made.status_code == 200 and made.json()["profile_created"] is True
    assert UserProfile.objects.filter(user_id=bare.pk).exists()
    assert anonymous.status_code == 401
    assert anonymous.json() == {"error": "missing Authorization: Bearer token"}


def test_async_view__refuses_a_deactivated_user_with_403():
    user = AuthUserFactory()
    UserProfile.objects.filter(user_id=user.pk).update(is_active=False)

    async def main():
        return await AsyncClient().get("/app/async/whoami", **headers_of(user))

    response = run(main)
    assert response.status_code == 403
    assert response.json() == {"error": "account deactivated"}


def async_capable_middleware(settings) -> list[str]:
    """The project's middleware that can run asynchronously. One that cannot (WhiteNoise
    6's) makes Django run each whole request in its one thread for synchronous code, one
    request at a time, async view or not (docs/async.md)."""
    return [
        name for name in settings.MIDDLEWARE if getattr(import_string(name), "async_capable", False)
    ]


def test_async_view__two_requests_overlap(settings):
    """The first request's view waits until the second request's view has run: they can
    only both finish if both are in flight at once on one event loop."""
    settings.MIDDLEWARE = async_capable_middleware(settings)
    assert "django.contrib.auth.middleware.AuthenticationMiddleware" in settings.MIDDLEWARE
    first, second = AuthUserFactory(), AuthUserFactory()

    async def main():
        test_urls.ASYNC_GATES["overlap"] = asyncio.Event()
        client = AsyncClient()
        try:
            return await asyncio.wait_for(
                asyncio.gather(
                    client.get("/app/async/wait/overlap", **headers_of(first)),
                    client.get("/app/async/open/overlap", **headers_of(second)),
                ),
                timeout=TIMEOUT,
            )
        finally:
            del test_urls.ASYNC_GATES["overlap"]

    waited, opened = run(main)
    assert (waited.status_code, opened.status_code) == (200, 200)
    assert waited.json() == {"user_id": str(first.pk), "waited": "overlap"}
    assert opened.json() == {"user_id": str(second.pk), "opened": "overlap"}


def test_async_view__the_event_loop_runs_while_the_account_query_does(monkeypatch):
    """The account query is held (in whatever thread runs it) until the event loop
    releases it: were it run on the loop, the loop could not, and the request would fail."""
    user = AuthUserFactory()
    entered, release = threading.Event(), threading.Event()
    threads: list[int] = []
    real_lookup = accounts.lookup

    def held_lookup(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.get_ident())
        entered.set()
        if not release.wait(TIMEOUT):
            raise AssertionError("the event loop never released the account query")
        return real_lookup(*args, **kwargs)

    monkeypatch.setattr(accounts, "lookup", held_lookup)

    async def main():
        loop = asyncio.get_running_loop()
        request = asyncio.create_task(AsyncClient().get("/app/async/whoami", **headers_of(user)))
        # Waited for in another thread, so this coroutine yields the loop meanwhile.
        assert await loop.run_in_executor(None, entered.wait, TIMEOUT)
        assert not request.done()
        release.set()  # on the loop, while the query is in flight
        return await asyncio.wait_for(request, TIMEOUT), threading.get_ident()

    response, loop_thread = run(main)
    assert response.status_code == 200
    assert threads and loop_thread not in threads
