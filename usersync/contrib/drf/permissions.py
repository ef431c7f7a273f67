"""Permission classes for views behind SupabaseAuthentication.

    permission_classes = [IsActiveProfile]        # any signed-in user with an active profile
    permission_classes = [HasRole("admin")]       # ... whose profile has one of these roles

or, as a class: `class IsEditor(RolePermission): roles = ("editor",)`. Both compose with
DRF's `&`, `|` and `~`. Without a signed-in Supabase user DRF answers 401 (with the
authentication class's WWW-Authenticate header); signed in but not allowed: 403.
"""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from usersync.contrib.drf.authentication import SupabaseUser


class IsActiveProfile(BasePermission):
    message = "this needs an active profile"

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return isinstance(user, SupabaseUser) and user.is_active


class RolePermission(IsActiveProfile):
    """An active profile with one of `roles`."""

    roles: tuple[str, ...] = ()

    def has_permission(self, request: Request, view: Any) -> bool:
        if not super().has_permission(request, view):
            return False
        if request.user.role in self.roles:
            return True
        self.message = f"this needs the role {' or '.join(sorted(self.roles))}"
        return False


def HasRole(*roles: str) -> type[RolePermission]:  # a class factory, named like one
    """The permission class for an active profile with any of `roles`."""
    if not roles or not all(isinstance(role, str) and role for role in roles):
        raise ValueError("HasRole needs at least one role name")
    return type(f"HasRole({', '.join(roles)})", (RolePermission,), {"roles": tuple(roles)})
