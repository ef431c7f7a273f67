"""Why can (or can't) a person get in? Everything staff need about one Supabase user
in one place: auth facts, the profile, trigger failures, audit and activity history,
and a one-line verdict drawn from them."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format

from usersync.models import AdminAuditLog, AuthUser, TriggerFailure, UserActivityLog, UserProfile
from usersync.naming import auth_user_label
from usersync.supabase_auth import bans as auth_bans

# Each history list shows the newest this many; the page links to the full, filtered list.
HISTORY_LIMIT = 50


@dataclass(frozen=True)
class Verdict:
    can_get_in: bool
    text: str
    # What staff can do about it: "create_profile", "reactivate" or "" (nothing here).
    remedy: str = ""


@dataclass
class Diagnosis:
    user_id: uuid.UUID
    user: AuthUser | None
    profile: UserProfile | None
    verdict: Verdict
    label: str
    deactivated_by: str = ""
    trigger_failures: list[TriggerFailure] = field(default_factory=list)
    audit: list[AdminAuditLog] = field(default_factory=list)
    activity: list[UserActivityLog] = field(default_factory=list)


# How audit values hold a moment: JSON's ISO 8601 text, e.g. 2026-12-07T21:45:31.744Z.
ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def changes_text(old: dict | None, new: dict | None) -> str:
    """An audit entry's change as staff read it: "role: user → admin; …" (changed keys)."""
    old, new = old or {}, new or {}
    parts = []
    for name in dict.fromkeys([*old, *new]):
        before, after = old.get(name), new.get(name)
        if before != after:
            shown = [_shown(value) for value in (before, after)]
            parts.append(f"{name}: {shown[0]} → {shown[1]}")
    return "; ".join(parts)


def _when(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _shown(value: object) -> object:
    """An audit value as staff read it: a stored timestamp in the page's date format."""
    if value is None:
        return "-"
    if isinstance(value, str) and ISO_MOMENT.match(value):
        moment = parse_datetime(value)
        if moment is not None and timezone.is_aware(moment):
            return _when(moment)
    return value


def _deactivated_by(profile: UserProfile) -> str:
    """Who deactivated: their auth user, else the actor of the latest deactivation entry
    (a command, or a staff account without a linked auth user)."""
    if profile.deactivated_by_id is not None:
        return auth_user_label(profile.deactivated_by, profile.deactivated_by_id)
    entry = (
        AdminAuditLog.objects.filter(target_user_id=profile.user_id, action="deactivated")
        .order_by("-created_at", "-id")
        .values_list("actor", flat=True)
        .first()
    )
    return entry or "unknown"


def verdict_for(user: AuthUser, profile: UserProfile | None, deactivated_by: str) -> Verdict:
    """The first reason, in the order Supabase Auth and then the app apply them."""
    now = timezone.now()
    if user.deleted_at is not None:
        return Verdict(False, f"Deleted on {_when(user.deleted_at)}")
    banned = user.banned_until is not None and user.banned_until > now
    usersyncs_ban = banned and user.banned_until == auth_bans.BANNED_UNTIL
    # usersync's own ban goes with a deactivation, which says more (when, who, why).
    if banned and not (usersyncs_ban and profile is not None and profile.is_active is False):
        whose = "Supabase Auth, set by usersync" if usersyncs_ban else "Supabase Auth"
        return Verdict(False, f"Banned until {_when(user.banned_until)} ({whose})")
    if profile is None:
        return Verdict(False, "No profile yet — create one", "create_profile")
    if profile.is_active is False:
        text = "Locked out: profile deactivated"
        if profile.deactivated_at is not None:
            text += f" on {_when(profile.deactivated_at)}"
        text += f" by {deactivated_by}"
        if profile.deactivation_reason:
            text += f" — {profile.deactivation_reason}"
        return Verdict(False, text, "reactivate")
    if profile.is_active is None:
        return Verdict(False, "Locked out: the profile's active flag is empty (read as inactive)")
    confirmed = user.email_confirmed_at or user.phone_confirmed_at
    if not confirmed and not user.is_anonymous and not user.is_sso_user:
        return Verdict(False, "Not confirmed yet: Supabase Auth refuses the sign-in until then")
    return Verdict(True, "Can sign in and use the app")


def diagnose(user_id: uuid.UUID, limit: int = HISTORY_LIMIT) -> Diagnosis | None:
    """None when there is no such auth user and nothing was ever recorded about them."""
    user = AuthUser.objects.filter(pk=user_id).first()
    profile = UserProfile.objects.select_related("deactivated_by").filter(user_id=user_id).first()
    failures = list(TriggerFailure.objects.filter(user_id=user_id).order_by("-occurred_at")[:limit])
    audit = list(
        AdminAuditLog.objects.filter(Q(target_user_id=user_id) | Q(actor_user_id=user_id)).order_by(
            "-created_at", "-id"
        )[:limit]
    )
    activity = list(
        UserActivityLog.objects.filter(user_id=user_id).order_by("-created_at", "-id")[:limit]
    )
    if user is None and not (audit or activity or failures):
        return None
    by = _deactivated_by(profile) if profile is not None and profile.is_active is False else ""
    if user is None:
        verdict = Verdict(False, "Deleted: no auth user with this id any more")
        email = next((e.details.get("email") for e in audit if e.details.get("email")), None)
        label = email or auth_user_label(None, user_id)
    else:
        verdict = verdict_for(user, profile, by)
        label = auth_user_label(user)
    return Diagnosis(user_id, user, profile, verdict, label, by, failures, audit, activity)
