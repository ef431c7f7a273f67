"""What staff do to a user's profile: change the role, deactivate, reactivate, and run
the sync. The admin, the API and any command call these, never their own SQL, so that
every change is checked, row-locked and audited alike.

Each change is one transaction: the profile row is locked (SELECT ... FOR UPDATE), the
refusals are checked under that lock, the row is updated and the audit entry written.
Refusals raise BadInput subclasses with a message meant for the staff member.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from usersync import signals, sync
from usersync.conf import conf
from usersync.db.connection import atomic, connection
from usersync.db.errors import database_errors
from usersync.errors import (
    ActorNotAllowed,
    InvalidField,
    LastActiveAdmin,
    NoProfile,
    NothingToChange,
    OwnProfile,
    UnknownUser,
)
from usersync.ids import parse_user_id
from usersync.logs import audit
from usersync.models import AdminAuditLog, AuthUser, UserProfile
from usersync.naming import auth_user_label
from usersync.roles import admin_role, check_role
from usersync.supabase_auth import bans as auth_bans
from usersync.supabase_auth.sessions import revoke_sessions
from usersync.sync import counts

# deactivation_reason is VARCHAR(255).
REASON_MAX_LENGTH = 255
# Serialises the changes that can take away an active admin (pg_advisory_xact_lock key:
# "usersync" in ASCII), so that two staff members cannot each remove one of the last
# two admins at once. Transaction-scoped: it also holds through a transaction pooler.
ACTIVE_ADMINS_LOCK = 0x7573657273796E63


@dataclass(frozen=True)
class StaffChange:
    """One change made, as recorded in admin_audit_log (entry audit_id); the values are
    those of the entry (JSON: times as ISO 8601 text, ids as text)."""

    user_id: uuid.UUID
    email: str | None
    action: str
    old_values: dict[str, Any]
    new_values: dict[str, Any]
    reason: str | None
    audit_id: int
    # A deactivation's ended Supabase Auth sessions (None: the database has none).
    sessions_revoked: int | None = None

    def as_dict(self) -> dict[str, Any]:
        data = {
            "user_id": str(self.user_id),
            "email": self.email,
            "action": self.action,
            "old_values": self.old_values,
            "new_values": self.new_values,
            "reason": self.reason,
            "audit_id": self.audit_id,
        }
        if self.sessions_revoked is not None:
            data["sessions_revoked"] = self.sessions_revoked
        return data


def _clean_reason(reason: str | None, *, required: bool = False) -> str | None:
    reason = (reason or "").strip() or None
    if reason is None and required:
        raise InvalidField("reason", "a reason is required to deactivate a user")
    if reason is not None and len(reason) > REASON_MAX_LENGTH:
        raise InvalidField(
            "reason",
            f"the reason is {len(reason)} characters long; at most {REASON_MAX_LENGTH} fit",
        )
    return reason


def _now_in_milliseconds():
    # The audit log's JSON keeps milliseconds: store exactly the time it records.
    now = timezone.now()
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def _locked_profile(user_id: uuid.UUID, actor: audit.Actor | None = None) -> UserProfile:
    """The target's profile, locked; with an actor who acts by being an admin, the
    actor's profile too (both in one statement, in id order, so that two admins acting
    on each other cannot deadlock), and the actor checked to be still an active admin:
    one deactivated or demoted meanwhile waits for that change, then is refused."""
    check_actor = actor is not None and actor.must_be_admin
    ids = [user_id] + ([actor.auth_user_id] if check_actor else [])
    # of=("self",): never lock the auth.users row, which Supabase Auth updates on sign-in.
    locked = {
        p.user_id: p
        for p in UserProfile.objects.select_for_update(of=("self",))
        .filter(user_id__in=ids)
        .order_by("user_id")
    }
    if check_actor:
        own = locked.get(actor.auth_user_id)
        if own is None or own.role != admin_role() or own.is_active is not True:
            raise ActorNotAllowed(
                f"{actor.name} is no longer an active admin: the change was not made"
            )
    if user_id in locked:
        return locked[user_id]
    if not AuthUser.objects.filter(pk=user_id).exists():
        raise UnknownUser(f"no auth user with id {user_id}")
    raise NoProfile(f"{_named(user_id)} has no profile; create it first")


def _named(user_id: uuid.UUID) -> str:
    """The user as staff know them (usersync.naming): e-mail, phone or short id."""
    return auth_user_label(AuthUser.objects.filter(pk=user_id).first(), user_id)


def _email(user_id: uuid.UUID) -> str | None:
    return AuthUser.objects.filter(pk=user_id).values_list("email", flat=True).first()


def _existing_auth_user(user_id: uuid.UUID | None) -> uuid.UUID | None:
    """deactivated_by references auth.users: a stale link must not fail the change."""
    if user_id is None or not AuthUser.objects.filter(pk=user_id).exists():
        return None
    return user_id


def _refuse_removing_last_admin(profile: UserProfile, doing: str) -> None:
    if profile.role != admin_role() or profile.is_active is not True:
        return
    with connection().cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ACTIVE_ADMINS_LOCK])
    # Read after the lock: a change committed meanwhile by another staff member counts.
    # Only admins who can sign in count: not banned now, not soft-deleted.
    others = (
        UserProfile.objects.filter(role=admin_role(), is_active=True, user__deleted_at=None)
        .filter(Q(user__banned_until=None) | Q(user__banned_until__lte=timezone.now()))
        .exclude(pk=profile.pk)
    )
    if not others.exists():
        raise LastActiveAdmin(
            f"cannot {doing} {_named(profile.user_id)}: theirs is the last active admin "
            f"profile; make another user an admin first"
        )


# Each audited action's signal, sent once its transaction commits.
SIGNALS = {
    "role_changed": signals.role_changed,
    "deactivated": signals.profile_deactivated,
    "reactivated": signals.profile_reactivated,
}


def _apply(
    profile: UserProfile,
    actor: audit.Actor,
    action: str,
    changes: dict[str, Any],
    reason: str | None,
    sessions_revoked: int | None = None,
    supabase_auth_ban: dict[str, Any] | None = None,
) -> StaffChange:
    # Model attribute names: deactivated_by is a foreign key, its column holds the id.
    attributes = {
        name: "deactivated_by_id" if name == "deactivated_by" else name for name in changes
    }
    old = {name: getattr(profile, attributes[name]) for name in changes}
    for name, value in changes.items():
        setattr(profile, attributes[name], value)
    profile.save(update_fields=[*attributes.values(), "updated_at"])
    email = _email(profile.user_id)
    details: dict[str, Any] = {"email": email}
    if sessions_revoked is not None:
        details["sessions_revoked"] = sessions_revoked
    if supabase_auth_ban is not None:
        details[auth_bans.DETAILS_KEY] = supabase_auth_ban
    entry = audit.record(
        actor,
        action,
        profile.user_id,
        old_values=old,
        new_values=changes,
        reason=reason,
        details=details,
    )
    signal, extra = SIGNALS[action], {}
    if signal is signals.role_changed:
        extra = {"old_role": old["role"], "new_role": changes["role"]}
    signals.send_on_commit(
        signal,
        UserProfile,
        user_id=profile.user_id,
        actor=actor.name,
        actor_user_id=actor.auth_user_id,
        reason=reason,
        **extra,
    )
    counts.refresh_after_change()  # once the change commits
    return StaffChange(
        profile.user_id,
        email,
        action,
        entry.old_values,
        entry.new_values,
        reason,
        entry.pk,
        sessions_revoked,
    )


def change_role(
    user_id: str | uuid.UUID, new_role: str, actor: audit.Actor, reason: str | None = None
) -> StaffChange:
    """Give a user another role (one of conf.ALLOWED_ROLES). Refuses the actor's own
    profile and to take the admin role from the last active admin."""
    user_id = parse_user_id(user_id)
    if actor.auth_user_id == user_id:
        raise OwnProfile(f"you cannot change your own role (user {user_id})")
    check_role(new_role)
    reason = _clean_reason(reason)
    with database_errors(), atomic():
        profile = _locked_profile(user_id, actor)
        if profile.role == new_role:
            raise NothingToChange(f"{_named(user_id)} already has the role {new_role}")
        if new_role != admin_role():
            _refuse_removing_last_admin(profile, "take the admin role from")
        return _apply(profile, actor, "role_changed", {"role": new_role}, reason)


def deactivate(user_id: str | uuid.UUID, actor: audit.Actor, reason: str) -> StaffChange:
    """Deactivate a user's profile, saying why, end their Supabase Auth sessions and (with
    USERSYNC_BAN_IN_SUPABASE_AUTH) ban them in Supabase Auth, in the same transaction.
    Refuses the actor's own profile and the last active admin's."""
    user_id = parse_user_id(user_id)
    reason = _clean_reason(reason, required=True)
    if actor.auth_user_id == user_id:
        raise OwnProfile(f"you cannot deactivate your own profile (user {user_id})")
    with database_errors(), atomic():
        profile = _locked_profile(user_id, actor)
        if profile.is_active is False:
            raise NothingToChange(f"{_named(user_id)} is already inactive")
        _refuse_removing_last_admin(profile, "deactivate")
        changes = {
            "is_active": False,
            "deactivated_at": _now_in_milliseconds(),
            "deactivated_by": _existing_auth_user(actor.auth_user_id),
            "deactivation_reason": reason,
        }
        sessions = revoke_sessions(user_id)
        ban = auth_bans.ban(user_id) if conf.BAN_IN_SUPABASE_AUTH else None
        return _apply(profile, actor, "deactivated", changes, reason, sessions, ban)


def reactivate(
    user_id: str | uuid.UUID, actor: audit.Actor, reason: str | None = None
) -> StaffChange:
    """Reactivate a user's profile and clear its deactivation details; lift the Supabase
    Auth ban its deactivation set, if that ban is still in place (a ban set in Supabase
    is left as it is, and one the deactivation replaced comes back)."""
    user_id = parse_user_id(user_id)
    reason = _clean_reason(reason)
    with database_errors(), atomic():
        profile = _locked_profile(user_id, actor)
        if profile.is_active is True:
            raise NothingToChange(f"{_named(user_id)} is already active")
        changes = {
            "is_active": True,
            "deactivated_at": None,
            "deactivated_by": None,
            "deactivation_reason": None,
        }
        recorded = _recorded_ban(user_id)
        lifted = auth_bans.lift(user_id, recorded) if recorded else None
        return _apply(profile, actor, "reactivated", changes, reason, None, lifted)


def _recorded_ban(user_id: uuid.UUID) -> dict[str, Any] | None:
    """The Supabase Auth ban the user's last deactivation set, or a sync set again
    since (a ban lifted by hand), as its audit entry recorded it (None: none was set)."""
    details = (
        AdminAuditLog.objects.filter(
            target_user_id=user_id, action__in=["deactivated", "supabase_auth_ban_restored"]
        )
        .order_by("-created_at", "-pk")
        .values_list("details", flat=True)
        .first()
    )
    recorded = (details or {}).get(auth_bans.DETAILS_KEY)
    return recorded if recorded and recorded.get("set_by_usersync") else None


def run_sync(actor: audit.Actor) -> sync.SyncResult:
    """Create every missing profile (preserve mode) and audit who ran it (a dry run is
    sync.plan(), which writes nothing and needs no audit)."""
    result = sync.sync(triggered_by=actor.name)
    audit.record(
        actor,
        "sync_run",
        None,
        new_values={"created": result.created, "filled": result.filled},
        details={"run_id": result.run_id, "batches": len(result.batches)},
    )
    return result
