"""SupabaseAuthentication: Supabase access tokens for Django REST framework views.

The token is verified exactly as usersync's own views verify it (usersync.access.tokens:
JWKS keys or the legacy HS256 secret, expiry, audience, and the issuer when set), and the
user is let in by the same rule (usersync.access.accounts.admit): a missing profile is
made on the spot, a deactivated or banned user is refused with 403, a deleted one or a
token whose session has ended (signed out) with 401. A token Supabase Auth issued to a
third-party OAuth client (claim client_id) is refused with 403 unless
USERSYNC_ALLOW_OAUTH_CLIENTS, or the class attribute `allow_oauth_clients`, lets it in.
`request.user` is a SupabaseUser carrying the profile; `request.auth` the claims.
"""

from __future__ import annotations

import uuid
from typing import Any

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request

from usersync.access import accounts, tokens
from usersync.access.accounts import AppUser
from usersync.access.decorators import client_ip
from usersync.errors import UsersyncError
from usersync.http import as_http_error

REALM = "usersync"
# Where authenticate() leaves the reason a token was refused, for the 401's header.
_REASON_ATTRIBUTE = "_usersync_token_refused"


class SupabaseUser:
    """The signed-in Supabase user: what DRF, permissions and views need of a user."""

    is_authenticated = True
    is_anonymous = False
    is_staff = False
    is_superuser = False

    def __init__(self, account: AppUser):
        self.account = account

    @property
    def user_id(self) -> uuid.UUID:
        return self.account.user_id

    @property
    def pk(self) -> uuid.UUID:  # DRF's throttles key users by pk
        return self.account.user_id

    @property
    def email(self) -> str | None:
        return self.account.email

    @property
    def role(self) -> str | None:
        return self.account.role

    @property
    def is_active(self) -> bool:
        return self.account.active

    @property
    def profile_created(self) -> bool:
        return self.account.profile_created

    @property
    def client_id(self) -> str | None:
        """The third-party OAuth client the token was issued to; None for the user's own."""
        return self.account.client_id

    @property
    def scopes(self) -> tuple[str, ...]:
        return self.account.scopes

    def get_username(self) -> str:
        return self.account.email or str(self.account.user_id)

    def __str__(self) -> str:
        return self.get_username()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SupabaseUser) and other.user_id == self.user_id

    def __hash__(self) -> int:
        return hash(self.user_id)


class ServiceUnavailable(exceptions.APIException):
    status_code = 503
    default_detail = "tokens cannot be verified now"
    default_code = "service_unavailable"


def _api_error(error: UsersyncError) -> exceptions.APIException:
    """The usersync error (database unreachable, not migrated, ...) as DRF's exception,
    with the status usersync's own views give it."""
    http = as_http_error(error)
    failure = exceptions.APIException(http.message)
    failure.status_code = http.status
    return failure


class SupabaseAuthentication(BaseAuthentication):
    """`Authorization: Bearer <Supabase access token>`. No header, or another scheme:
    not ours (None), so other authentication classes may try."""

    keyword = "Bearer"
    create_missing_profile = True
    track_sign_in = True  # last_login and a sign_in activity entry per new session
    # Tokens of third-party OAuth clients: None follows USERSYNC_ALLOW_OAUTH_CLIENTS.
    allow_oauth_clients: bool | None = None

    def authenticate(self, request: Request) -> tuple[SupabaseUser, tokens.Claims] | None:
        header = request.headers.get("Authorization")
        # Parsed as usersync's own views parse it, whatever its shape (blank, odd spaces).
        if tokens.authorization_scheme(header) != self.keyword.lower():
            return None
        try:
            claims = tokens.verify(tokens.bearer_token(header))
            user = accounts.admit(
                claims,
                create_missing_profile=self.create_missing_profile,
                allow_oauth_clients=self.allow_oauth_clients,
            )
            if self.track_sign_in:
                accounts.track_token_sign_in(
                    user,
                    claims,
                    ip_address=client_ip(request._request),
                    user_agent=request.headers.get("User-Agent"),
                )
        except tokens.InvalidToken as error:
            raise self._failed(request, str(error)) from None
        except accounts.AccessRefused as refused:
            if refused.status == 401:
                raise self._failed(request, refused.reason) from None
            raise exceptions.PermissionDenied(refused.reason) from None
        except tokens.VerificationUnavailable as error:
            raise ServiceUnavailable(str(error)) from None
        except UsersyncError as error:
            raise _api_error(error) from None
        return SupabaseUser(user), claims

    def _failed(self, request: Request, reason: str) -> exceptions.AuthenticationFailed:
        setattr(request, _REASON_ATTRIBUTE, reason)
        return exceptions.AuthenticationFailed(reason)

    def authenticate_header(self, request: Request) -> str:
        reason: Any = getattr(request, _REASON_ATTRIBUTE, None)
        if reason is None:
            return f'{self.keyword} realm="{REALM}"'
        quoted = str(reason).replace('"', "'")
        return (
            f'{self.keyword} realm="{REALM}", error="invalid_token", error_description="{quoted}"'
        )
