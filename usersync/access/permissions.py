"""Who may use usersync's protected URLs.

- The staff health check and /metrics: a Django staff session, the monitoring token
  (`Authorization: Bearer <USERSYNC_MONITORING_TOKEN>`), or a Supabase admin's token.
- The user-management API: a Supabase access token of an active profile with the admin
  role (USERSYNC_ADMIN_ROLE). It never creates profiles or records sign-ins: an admin
  has a profile, and the API's callers are not signing in to the application.
Neither takes a token that Supabase Auth issued to a third-party OAuth client (claim
client_id), whatever USERSYNC_ALLOW_OAUTH_CLIENTS says: an admin who lets some app act
for them has not let it manage users. A token of an ended session is refused (401).
No token: 401. A token that cannot be accepted: 401 with the reason. Valid but not
allowed: 403. Nothing else of the URL's data is sent.
"""

from __future__ import annotations

import functools
import hmac
from collections.abc import Callable
from typing import Any

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse

from usersync.access import tokens
from usersync.access.accounts import AppUser
from usersync.access.decorators import authenticate
from usersync.conf import conf
from usersync.errors import InvalidToken
from usersync.http import HttpError, json_errors, unauthorized
from usersync.logs import audit

View = Callable[..., HttpResponse]


def authenticate_admin(request: HttpRequest) -> AppUser:
    return authenticate(
        request,
        create_missing_profile=False,
        track=False,
        roles=[conf.ADMIN_ROLE],
        allow_oauth_clients=False,
    )


def api_actor(request: HttpRequest) -> audit.Actor:
    """The audit log's name for the API's caller."""
    user: AppUser = request.supabase_user
    return audit.Actor(
        f"api:{user.email or user.user_id}", auth_user_id=user.user_id, must_be_admin=True
    )


def admin_required(view: View) -> View:
    """A Supabase admin's bearer token (the user-management API)."""

    @functools.wraps(view)
    @json_errors
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        authenticate_admin(request)
        return view(request, *args, **kwargs)

    return wrapper


def _is_monitoring_token(authorization: str | None) -> bool:
    expected = conf.MONITORING_TOKEN
    if not expected or not authorization:
        return False
    try:
        token = tokens.bearer_token(authorization)
    except InvalidToken:
        return False
    return hmac.compare_digest(token.encode(), expected.encode())


def _session_user(request: HttpRequest) -> Any:
    """The signed-in Django user of the session cookie, if any (reading the session
    needs the database: unreachable is a 503, not a 500)."""
    user = getattr(request, "user", None)
    try:
        return user if user is not None and user.is_authenticated and user.is_active else None
    except DatabaseError:
        raise HttpError(503, "the database is unreachable") from None


def may_view_usersync(user: Any) -> bool:
    """A staff account with at least one of usersync's view permissions: being staff
    alone (another app's editor) is not enough to read usersync's reports."""
    try:
        return user.is_staff and any(
            permission.startswith("usersync.view_") for permission in user.get_all_permissions()
        )
    except DatabaseError:
        raise HttpError(503, "the database is unreachable") from None


def monitoring_required(view: View) -> View:
    """A staff session with a usersync view permission, the monitoring token, or a
    Supabase admin's token."""

    @functools.wraps(view)
    @json_errors
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        authorization = request.headers.get("Authorization")
        if authorization:
            if not _is_monitoring_token(authorization):
                authenticate_admin(request)
        elif (user := _session_user(request)) is not None:
            if not may_view_usersync(user):
                raise HttpError(403, "staff with a usersync view permission only")
        else:
            raise unauthorized(
                "authentication required: a staff session or Authorization: Bearer <token>"
            )
        return view(request, *args, **kwargs)

    return wrapper
