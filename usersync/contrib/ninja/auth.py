"""SupabaseAuth: Supabase access tokens for django-ninja operations, sync and async.

The token is verified, and the user let in, exactly as by usersync's view decorator
(usersync.access.decorators.authenticate: usersync.access.tokens, then
usersync.access.accounts.admit): a missing profile is made on the spot, a deactivated or
banned user is refused with 403, a deleted one or a token whose session has ended (signed
out) with 401, a token Supabase Auth issued to a third-party OAuth client with 403 unless
USERSYNC_ALLOW_OAUTH_CLIENTS (or `allow_oauth_clients=True`) lets it in, and a user
without one of `roles` with 403. Refusals are ninja's errors, so the API's own exception
handlers render them ({"detail": <reason>} by default).

`request.auth` is the AppUser; `request.supabase_user` and `request.supabase_claims` are
set as the decorator sets them.

Sync and async: the callable is synchronous (it reads the database), and django-ninja
runs a synchronous authentication callable of an `async def` operation through
`sync_to_async`, so the event loop is never blocked (docs/async.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer

from usersync.access import tokens
from usersync.access.accounts import AppUser
from usersync.access.decorators import authenticate
from usersync.errors import InvalidToken, UsersyncError, VerificationUnavailable
from usersync.http import HttpError as UsersyncHttpError
from usersync.http import as_http_error


class SupabaseAuth(HttpBearer):
    """`Authorization: Bearer <Supabase access token>`. No header, or another scheme: not
    ours (None), so ninja tries the operation's next authentication, else answers 401."""

    def __init__(
        self,
        *,
        roles: Iterable[str] | None = None,
        allow_oauth_clients: bool | None = None,
        create_missing_profile: bool = True,
        track_sign_in: bool = True,
    ) -> None:
        super().__init__()
        self.roles = None if roles is None else tuple(roles)
        self.allow_oauth_clients = allow_oauth_clients
        self.create_missing_profile = create_missing_profile
        self.track_sign_in = track_sign_in

    def __call__(self, request: HttpRequest) -> AppUser | None:
        # Parsed as usersync's own views parse it, whatever its shape (blank, odd spaces).
        header = request.headers.get(self.header)
        if tokens.authorization_scheme(header) != self.openapi_scheme:
            return None
        return self.authenticate(request, header or "")

    def authenticate(self, request: HttpRequest, token: str) -> AppUser:
        """The admitted user; ninja's AuthenticationError (401) or HttpError (403, 503...)
        with usersync's reason when not. `token` is the whole header (see __call__)."""
        try:
            return authenticate(
                request,
                create_missing_profile=self.create_missing_profile,
                track=self.track_sign_in,
                roles=self.roles,
                allow_oauth_clients=self.allow_oauth_clients,
            )
        except (UsersyncHttpError, InvalidToken, VerificationUnavailable, UsersyncError) as error:
            http = as_http_error(error)
            if http.status == 401:
                raise AuthenticationError(401, http.message) from None
            raise HttpError(http.status, http.message) from None


def HasRole(  # a factory, named like the DRF permission it mirrors
    *roles: str, allow_oauth_clients: bool | None = None, **options: Any
) -> SupabaseAuth:
    """SupabaseAuth that also requires an active profile with one of `roles` (403 if
    not); tokens of third-party OAuth clients as `allow_oauth_clients` says (None: the
    setting). Use as an operation's or router's `auth=`."""
    if not roles or not all(isinstance(role, str) and role for role in roles):
        raise ValueError("HasRole needs at least one role name")
    return SupabaseAuth(roles=roles, allow_oauth_clients=allow_oauth_clients, **options)
