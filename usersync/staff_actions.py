"""What staff do to a user: change the role, deactivate, reactivate, run a sync. Each
change is one transaction with an admin_audit_log entry (old and new values, who, why).
Shared by the Django admin and the user-management API, so both refuse the same things:
every refusal is a BadInput subclass and leaves the database unchanged.

The last active admin cannot be demoted or deactivated. Concurrent demotions of two
admins cannot both pass that check: a demotion first locks every active admin's row, in
user_id order (one order, so no deadlock), and re-reads under the lock.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from usersync import audit, sync
from usersync.errors import BadInput, InvalidField, database_errors
from usersync.models import AuthUser, UserProfile
from usersync.profiles import UnknownUser, check_role, parse_user_id

REASON_MAX_LENGTH = 255


class NoProfile(BadInput):
    pass


class LastActiveAdmin(BadInput):
    pass


@dataclass(frozen=True)
class ProfileChange:
    user_id: uuid.UUID
    action: str
    changed: bool
    old_values: dict[str, Any]
    new_values: dict[str, Any]

    def as_dict(self) -> dict:
        return {
            "user_id": str(self.user_id),
            "action": self.action,
            "changed": self.changed,
            "old_values": json.loads(json.dumps(self.old_values, cls=DjangoJSONEncoder)),
            "new_values": json.loads(json.dumps(self.new_values, cls=DjangoJSONEncoder)),
        }


def admin_role() -> str:
    return settings.USERSYNC_ADMIN_ROLE


def _clean_reason(reason: str | None, required: bool) -> str | None:
    reason = (reason or "").strip() or None
    if reason is None and required:
        raise InvalidField("reason", "a reason is required to deactivate a user")
    if reason is not None and len(reason) > REASON_MAX_LENGTH:
        raise InvalidField("reason", f"the reason is longer than {REASON_MAX_LENGTH} characters")
    return reason


def _is_active_admin(role: str | None, is_active: bool | None) -> bool:
    return role == admin_role() and is_active is True


def _locked_profile(user_id: uuid.UUID) -> UserProfile:
    """The profile row, locked; when it is an active admin's, every active admin's too."""
    current = UserProfile.objects.filter(user_id=user_id).values("role", "is_active").first()
    if current is None:
        if not AuthUser.objects.filter(pk=user_id).exists():
            raise UnknownUser(f"no auth user with id {user_id}")
        raise NoProfile(f"user {user_id} has no profile; create it first")
    if _is_active_admin(current["role"], current["is_active"]):
        admins = UserProfile.objects.select_for_update().filter(role=admin_role(), is_active=True)
        list(admins.order_by("user_id").values_list("user_id", flat=True))
    return UserProfile.objects.select_for_update().get(user_id=user_id)


def _refuse_last_admin(profile: UserProfile, what: str) -> None:
    if not _is_active_admin(profile.role, profile.is_active):
        return
    others = UserProfile.objects.filter(role=admin_role(), is_active=True)
    if not others.exclude(user_id=profile.user_id).exists():
        raise LastActiveAdmin(
            f"user {profile.user_id} is the last active {admin_role()}; {what} would leave "
            f"nobody to manage users. Make another user {admin_role()} first"
        )


def _apply(
    profile: UserProfile,
    action: str,
    new_values: dict[str, Any],
    actor: audit.Actor,
    reason: str | None,
) -> ProfileChange:
    old_values = {name: getattr(profile, name) for name in new_values}
    # Stored as ids, not objects: deactivated_by is a foreign key column.
    old_values = {k.removesuffix("_id"): v for k, v in old_values.items()}
    shown_new = {k.removesuffix("_id"): v for k, v in new_values.items()}
    UserProfile.objects.filter(pk=profile.pk).update(**new_values)
    audit.record(
        actor, action, profile.user_id, old_values=old_values, new_values=shown_new, reason=reason
    )
    return ProfileChange(profile.user_id, action, True, old_values, shown_new)


def _unchanged(profile: UserProfile, action: str, values: dict[str, Any]) -> ProfileChange:
    return ProfileChange(profile.user_id, action, False, values, values)


def change_role(
    user_id: str | uuid.UUID, new_role: str, actor: audit.Actor, reason: str | None = None
) -> ProfileChange:
    """Give the user's profile another role (one of USERSYNC_ALLOWED_ROLES)."""
    user_id = parse_user_id(user_id)
    try:
        check_role(new_role)
    except BadInput as error:
        raise InvalidField("role", str(error)) from None
    reason = _clean_reason(reason, required=False)
    with database_errors(), transaction.atomic():
        profile = _locked_profile(user_id)
        if profile.role == new_role:
            return _unchanged(profile, "role_changed", {"role": new_role})
        if new_role != admin_role():
            _refuse_last_admin(profile, f"making them {new_role}")
        return _apply(profile, "role_changed", {"role": new_role}, actor, reason)


def _existing_auth_user(user_id: uuid.UUID | None) -> uuid.UUID | None:
    if user_id is None or not AuthUser.objects.filter(pk=user_id).exists():
        return None
    return user_id


def deactivate(user_id: str | uuid.UUID, actor: audit.Actor, reason: str) -> ProfileChange:
    """Deactivate the user's profile: the application refuses them from now on."""
    user_id = parse_user_id(user_id)
    reason = _clean_reason(reason, required=True)
    with database_errors(), transaction.atomic():
        profile = _locked_profile(user_id)
        if profile.is_active is False:
            return _unchanged(profile, "profile_deactivated", {"is_active": False})
        _refuse_last_admin(profile, "deactivating them")
        values = {
            "is_active": False,
            "deactivated_at": timezone.now(),
            "deactivated_by_id": _existing_auth_user(actor.auth_user_id),
            "deactivation_reason": reason,
        }
        return _apply(profile, "profile_deactivated", values, actor, reason)


def reactivate(
    user_id: str | uuid.UUID, actor: audit.Actor, reason: str | None = None
) -> ProfileChange:
    """Make a deactivated profile active again (the deactivation is kept in the audit log)."""
    user_id = parse_user_id(user_id)
    reason = _clean_reason(reason, required=False)
    with database_errors(), transaction.atomic():
        profile = _locked_profile(user_id)
        if profile.is_active is True:
            return _unchanged(profile, "profile_reactivated", {"is_active": True})
        values = {
            "is_active": True,
            "deactivated_at": None,
            "deactivated_by_id": None,
            "deactivation_reason": None,
        }
        return _apply(profile, "profile_reactivated", values, actor, reason)


def run_sync(actor: audit.Actor, *, dry_run: bool = False) -> sync.SyncResult | sync.SyncPlan:
    """A preserve-mode sync (or its dry run) on a person's behalf; a real run is audited."""
    result = sync.sync(dry_run=dry_run, triggered_by=actor.name)
    if not dry_run:
        with database_errors():
            audit.record(actor, "sync_run", None, details=result.as_dict())
    return result
