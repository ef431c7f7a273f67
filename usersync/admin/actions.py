"""Admin actions, after Django's contrib/admin/actions.py: declared permissions, an
intermediate confirmation page where the change needs more input (a reason, a role),
then message_user. The changes themselves are usersync's (staff_changes, profiles)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse

from usersync.admin import recent
from usersync.errors import UsersyncError
from usersync.naming import user_label
from usersync.roles import admin_role, allowed_roles
from usersync.staff import changes as staff_changes
from usersync.staff.identity import actor_for

# One request changes at most this many users: each is its own short transaction.
MAX_SELECTED = 1000
LISTED_IN_MESSAGE = 20


def too_many(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> bool:
    count = queryset.count()
    if count > MAX_SELECTED:
        modeladmin.message_user(
            request,
            f"{count:,} users selected; select at most {MAX_SELECTED:,} at a time.",
            messages.ERROR,
        )
    return count > MAX_SELECTED


def apply_each(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    users: Iterable[tuple],
    change: Callable[[uuid.UUID], object],
    done_verb: str,
    logged: str,
    flag: int = recent.CHANGE,
) -> None:
    """Apply `change` to each (user id, e-mail[, phone, is anonymous]) and report what was
    done and refused, naming each user as usersync.naming does; each change done is in
    Django's Recent actions as `logged`."""
    done: list[str] = []
    done_ids: list[uuid.UUID] = []
    for user_id, *contact in users:
        email, phone, anonymous = (*contact, None, None, False)[:3]
        label = user_label(email, phone, user_id, bool(anonymous))
        try:
            change(user_id)
        except UsersyncError as error:
            # Refusals name the user already; others get the name in front.
            text = str(error) if label in str(error) else f"{label}: {error}"
            modeladmin.message_user(request, text, messages.ERROR)
        else:
            done.append(label)
            done_ids.append(user_id)
    recent.log_users(request, done_ids, logged, flag)
    if done:
        listed = ", ".join(done[:LISTED_IN_MESSAGE]) + (
            " …" if len(done) > LISTED_IN_MESSAGE else ""
        )
        modeladmin.message_user(request, f"{done_verb} {len(done)}: {listed}", messages.SUCCESS)


def confirmation_page(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    template: str,
    action: str,
    title: str,
    **context: object,
) -> TemplateResponse:
    request.current_app = modeladmin.admin_site.name
    form = context.get("form")
    return TemplateResponse(
        request,
        template,
        {
            **modeladmin.admin_site.each_context(request),
            "title": title,
            "subtitle": None,
            "opts": modeladmin.model._meta,
            "action": action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": modeladmin.media + (form.media if form else forms.Media()),
            **context,
        },
    )


def _reason_field(help_text: str) -> forms.CharField:
    return forms.CharField(
        max_length=staff_changes.REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=help_text,
    )


class DeactivateForm(forms.Form):
    reason = _reason_field("Kept in the profile (deactivation_reason) and in the audit log.")


class ReactivateForm(forms.Form):
    reason = _reason_field("Kept in the audit log, beside the deactivation it undoes.")


class ChangeRoleForm(forms.Form):
    role = forms.ChoiceField()
    reason = _reason_field("Kept in the audit log with each user's old and new role.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(role, role) for role in allowed_roles()]


def _foreseen_refusal(profile, actor_user_id: uuid.UUID | None) -> str:
    if actor_user_id is not None and profile.user_id == actor_user_id:
        return "your own profile: will be refused"
    if profile.is_active is False:
        return "already inactive: will be skipped"
    return ""


def sessions_ended_message(sessions: int) -> str:
    return (
        f"Ended {sessions:,} Supabase Auth session{'s' if sessions != 1 else ''} of the "
        f"deactivated users: their refresh tokens no longer work. With the access token "
        f"hook enabled they get no new access token, so they are out of every client "
        f"once their current one expires."
    )


def _named_users(queryset: QuerySet) -> QuerySet:
    """The selected profiles' users, with what names them in messages (apply_each)."""
    return queryset.values_list("user_id", "user__email", "user__phone", "user__is_anonymous")


def _active_admins(profiles: list) -> list:
    return [p for p in profiles if p.role == admin_role() and p.is_active]


@admin.action(permissions=["change"], description="Deactivate selected profiles…")
def deactivate_selected(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet):
    if too_many(modeladmin, request, queryset):
        return None
    actor = actor_for(request.user)
    form = DeactivateForm(request.POST if request.POST.get("post") else None)
    if form.is_valid():
        reason = form.cleaned_data["reason"]
        ended: list[int] = []

        def deactivate(user_id: uuid.UUID) -> None:
            change = staff_changes.deactivate(user_id, actor, reason)
            if change.sessions_revoked is not None:
                ended.append(change.sessions_revoked)

        apply_each(
            modeladmin,
            request,
            _named_users(queryset),
            deactivate,
            "Deactivated",
            f"Deactivated: {reason}",
        )
        if ended:
            modeladmin.message_user(request, sessions_ended_message(sum(ended)), messages.INFO)
        return None
    profiles = list(queryset.select_related("user"))
    admins = _active_admins(profiles)
    return confirmation_page(
        modeladmin,
        request,
        "admin/usersync/userprofile/deactivate_confirmation.html",
        "deactivate_selected",
        "Deactivate user profiles",
        form=form,
        submit_label="Deactivate",
        selected_pks=[p.pk for p in profiles],
        profiles=[(p, _foreseen_refusal(p, actor.auth_user_id)) for p in profiles],
        selected_admins=len(admins),
        actor=actor,
    )


@admin.action(permissions=["change"], description="Reactivate selected profiles…")
def reactivate_selected(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet):
    if too_many(modeladmin, request, queryset):
        return None
    actor = actor_for(request.user)
    form = ReactivateForm(request.POST if request.POST.get("post") else None)
    if form.is_valid():
        reason = form.cleaned_data["reason"]
        apply_each(
            modeladmin,
            request,
            _named_users(queryset),
            lambda user_id: staff_changes.reactivate(user_id, actor, reason),
            "Reactivated",
            "Reactivated" + (f": {reason}" if reason else ""),
        )
        return None
    profiles = list(queryset.select_related("user"))
    return confirmation_page(
        modeladmin,
        request,
        "admin/usersync/userprofile/reactivate_confirmation.html",
        "reactivate_selected",
        "Reactivate user profiles",
        form=form,
        submit_label="Reactivate",
        selected_pks=[p.pk for p in profiles],
        profiles=[(p, "already active: will be skipped" if p.is_active else "") for p in profiles],
        actor=actor,
    )


@admin.action(permissions=["change"], description="Change the role of selected profiles…")
def change_role_selected(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet):
    if too_many(modeladmin, request, queryset):
        return None
    actor = actor_for(request.user)
    form = ChangeRoleForm(request.POST if request.POST.get("post") else None)
    if form.is_valid():
        role, reason = form.cleaned_data["role"], form.cleaned_data["reason"]
        apply_each(
            modeladmin,
            request,
            _named_users(queryset),
            lambda user_id: staff_changes.change_role(user_id, role, actor, reason),
            f"Gave the role {role} to",
            f"Changed the role to {role}" + (f": {reason}" if reason else ""),
        )
        return None
    profiles = list(queryset.select_related("user"))
    admins = _active_admins(profiles)
    return confirmation_page(
        modeladmin,
        request,
        "admin/usersync/userprofile/change_role_confirmation.html",
        "change_role_selected",
        "Change the role of user profiles",
        form=form,
        submit_label="Change the role",
        selected_pks=[p.pk for p in profiles],
        profiles=[(p, "") for p in profiles],
        selected_admins=len(admins),
        actor=actor,
    )
