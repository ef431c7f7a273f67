"""Permission classes for views behind SupabaseAuthentication.

    permission_classes = [IsActiveProfile]        # any signed-in user with an active profile
    permission_classes = [HasRole("admin")]       # ... whose profile has one of these roles

or, as a class: `class IsEditor(RolePermission): roles = ("editor",)`. Both compose with
DRF's `&`, `|` and `~`. Without a signed-in Supabase user DRF answers 401 (with the
authentication class's WWW-Authenticate header); signed in but not allowed: 403.

A role check also decides about tokens Supabase Auth issued to third-party OAuth clients
(claim client_id): refused unless USERSYNC_ALLOW_OAUTH_CLIENTS is set, or per use
`HasRole("admin", allow_oauth_clients=False)` / `allow_oauth_clients = True` on a class.
They reach a permission only if the authentication class let them in
(SupabaseAuthentication.allow_oauth_clients).
"""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from usersync.access.accounts import OAUTH_CLIENT_REFUSED, oauth_client_allowed
from usersync.contrib.drf.authentication import SupabaseUser


class IsActiveProfile(BasePermission):
    message = "this needs an active profile"

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return isinstance(user, SupabaseUser) and user.is_active


class RolePermission(IsActiveProfile):
    """An active profile with one of `roles`, and a token of the user's own unless
    `allow_oauth_clients` (None: USERSYNC_ALLOW_OAUTH_CLIENTS) lets OAuth clients in."""

    roles: tuple[str, ...] = ()
    allow_oauth_clients: bool | None = None

    def has_permission(self, request: Request, view: Any) -> bool:
        if not super().has_permission(request, view):
            return False
        if not oauth_client_allowed(request.user.client_id, self.allow_oauth_clients):
            self.message = OAUTH_CLIENT_REFUSED
            return False
        if request.user.role in self.roles:
            return True
        self.message = f"this needs the role {' or '.join(sorted(self.roles))}"
        return False


def HasRole(  # a class factory, named like one
    *roles: str, allow_oauth_clients: bool | None = None
) -> type[RolePermission]:
    """The permission class for an active profile with any of `roles`; tokens of
    third-party OAuth clients as `allow_oauth_clients` says (None: the setting)."""
    if not roles or not all(isinstance(role, str) and role for role in roles):
        raise ValueError("HasRole needs at least one role name")
    return type(
        f"HasRole({', '.join(roles)})",
        (RolePermission,),
        {"roles": tuple(roles), "allow_oauth_clients": allow_oauth_clients},
    )
