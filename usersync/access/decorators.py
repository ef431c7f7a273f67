"""Supabase sign-in for the application's own Django views.

    from usersync.access.decorators import supabase_user_required

    @supabase_user_required
    def my_orders(request):
        user = request.supabase_user        # usersync.access.accounts.AppUser
        return JsonResponse({"orders": orders_of(user.user_id)})

The client sends its Supabase access token as `Authorization: Bearer <token>`. The
decorator verifies it (usersync.access.tokens), then:
- creates the user's profile on the spot if they have none, so a user who can sign in
  can always use the application (the profile is audited as made on sign-in);
- refuses deactivated users: 403 {"error": "account deactivated"} (banned: 403 too);
- writes last_login at most once per USERSYNC_LAST_LOGIN_INTERVAL_SECONDS, and records a
  `sign_in` entry in user_activity_log for each new session (token claim session_id).
- refuses a token whose session no longer exists in auth.sessions (the user signed out,
  or a deactivation ended it): 401 {"error": "Session from session_id claim in JWT does
  not exist"}, as the auth service does (USERSYNC_CHECK_SESSIONS, _REQUIRE_SESSION_ID);
- refuses tokens that Supabase Auth issued to third-party OAuth clients (claim client_id):
  403, unless USERSYNC_ALLOW_OAUTH_CLIENTS or `allow_oauth_clients=True` lets them in.
Failures are JSON: 401 with a short reason for a missing, malformed, expired or forged
token, 403 for a refused user, 503 when tokens cannot be verified now.

`supabase_user_required(roles=["admin"])` also requires one of the given roles.

It works on `async def` views as well, without blocking the event loop: the token check
and the account's database work (the account query, a profile made on sign-in,
last_login) run through `sync_to_async` in Django's one thread for synchronous code, as
the ORM's own async methods do (Django's database connections belong to a thread), and
the view itself runs on the event loop.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

from asgiref.sync import iscoroutinefunction, sync_to_async
from django.http import HttpRequest, HttpResponse

from usersync.access import accounts, tokens
from usersync.access.accounts import AppUser
from usersync.http import HttpError, json_errors, unauthorized

View = Callable[..., HttpResponse]


def client_ip(request: HttpRequest) -> str | None:
    # REMOTE_ADDR only: X-Forwarded-For is whatever the client wants it to be unless a
    # trusted proxy sets it, and that is the deployment's middleware's job.
    return request.META.get("REMOTE_ADDR") or None


def authenticate(
    request: HttpRequest,
    *,
    create_missing_profile: bool = True,
    track: bool = True,
    roles: Iterable[str] | None = None,
    allow_oauth_clients: bool | None = None,
) -> AppUser:
    """The signed-in user of the request's bearer token, allowed in; else HttpError.
    allow_oauth_clients: None follows USERSYNC_ALLOW_OAUTH_CLIENTS."""
    claims = tokens.verify(tokens.bearer_token(request.headers.get("Authorization")))
    try:
        user = accounts.admit(
            claims,
            create_missing_profile=create_missing_profile,
            roles=roles,
            allow_oauth_clients=allow_oauth_clients,
        )
    except accounts.AccessRefused as refused:
        if refused.status == 401:
            raise unauthorized(refused.reason) from None
        raise HttpError(refused.status, refused.reason) from None
    if track:
        accounts.track_token_sign_in(
            user,
            claims,
            ip_address=client_ip(request),
            user_agent=request.headers.get("User-Agent"),
        )
    request.supabase_claims = claims
    request.supabase_user = user
    return user


def supabase_user_required(
    view: View | None = None,
    *,
    roles: Iterable[str] | None = None,
    create_missing_profile: bool = True,
    track: bool = True,
    allow_oauth_clients: bool | None = None,
) -> Any:
    """Decorator for views of signed-in Supabase users (see the module's doc)."""
    frozen_roles = None if roles is None else tuple(roles)

    def decorate(inner: View) -> View:
        if iscoroutinefunction(inner):

            @functools.wraps(inner)
            @json_errors
            async def async_wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
                await sync_to_async(authenticate)(
                    request,
                    create_missing_profile=create_missing_profile,
                    track=track,
                    roles=frozen_roles,
                    allow_oauth_clients=allow_oauth_clients,
                )
                return await inner(request, *args, **kwargs)

            return async_wrapper

        @functools.wraps(inner)
        @json_errors
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            authenticate(
                request,
                create_missing_profile=create_missing_profile,
                track=track,
                roles=frozen_roles,
                allow_oauth_clients=allow_oauth_clients,
            )
            return inner(request, *args, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate
