"""The profiles admin: every profile with its auth user's facts, fast at a million rows
(one joined query per page, no full count), role edits and (de)activation through
usersync.staff.changes, each audited."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import display_for_value
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from usersync.admin import recent
from usersync.admin.actions import change_role_selected, deactivate_selected, reactivate_selected
from usersync.admin.export import CsvExportMixin
from usersync.admin.filters import (
    ActiveFilter,
    ReasonFilter,
    RoleFilter,
    SignedInFilter,
    SsoProviderFilter,
    provider_label,
)
from usersync.admin.lookups import DeclaredLookupsOnly
from usersync.admin.paging import EstimatedCountPaginator
from usersync.admin.person import PersonPageMixin, person_url
from usersync.admin.profile_buttons import ProfileButtonsMixin
from usersync.admin.search import SEARCH_HELP, exact_term, users_by_exact_contact
from usersync.errors import UsersyncError
from usersync.models import UserProfile
from usersync.naming import auth_user_label
from usersync.roles import allowed_roles
from usersync.staff import changes as staff_changes
from usersync.staff.identity import actor_for

AUTH_FACTS = (
    "auth_user_id",
    "auth_email",
    "auth_phone",
    "provider",
    "auth_email_confirmed_at",
    "auth_phone_confirmed_at",
    "auth_last_sign_in_at",
    "auth_created_at",
    "auth_is_sso_user",
    "auth_is_anonymous",
    "auth_banned_until",
    "auth_deleted_at",
)
PROFILE_FACTS = (
    "is_active",
    "deactivated_at",
    "deactivated_by",
    "deactivation_reason",
    "last_login",
    "sso_provider",
    "sso_user_id",
    "created_at",
    "updated_at",
    "audit_entries",
)


class ProfileForm(forms.ModelForm):
    role = forms.ChoiceField(help_text="The roles this site allows.")
    reason = forms.CharField(
        required=False,
        widget=forms.TextInput(attrs={"size": 60}),
        help_text="Why the role changes; kept in the audit log with the old and new role.",
    )

    class Meta:
        model = UserProfile
        fields = ("role",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        roles = allowed_roles()
        # A role from before the setting changed stays selectable, so the form still saves.
        if self.instance.role and self.instance.role not in roles:
            roles = [self.instance.role, *roles]
        self.fields["role"].choices = [(role, role) for role in roles]


def _auth_fact(name: str, description: str, boolean: bool = False):
    """A read-only field of the detail page showing a column of the auth user."""

    @admin.display(description=description, boolean=boolean)
    def fact(self, obj: UserProfile):
        value = getattr(obj.user, name) if obj.user else None
        # Read-only callables are shown as str(value); format them as the list does.
        return value if boolean else display_for_value(value, self.get_empty_value_display())

    return fact


# The list's reason column shows this many characters; the page shows it all.
REASON_SHOWN = 30


@admin.register(UserProfile)
class UserProfileAdmin(
    DeclaredLookupsOnly, PersonPageMixin, ProfileButtonsMixin, CsvExportMixin, admin.ModelAdmin
):
    form = ProfileForm
    # Fits a 1,366 px screen beside the filters: phone and e-mail share one column.
    list_display = (
        "name",
        "provider",
        "role",
        "active",
        "deactivated_at",
        "reason",
        "last_sign_in",
    )
    list_filter = (
        RoleFilter,
        ("is_active", ActiveFilter),
        ("deactivated_at", admin.DateFieldListFilter),
        ReasonFilter,
        SsoProviderFilter,
        SignedInFilter,
    )
    export_columns = (
        ("user_id", "user_id"),
        ("email", "user__email"),
        ("phone", "user__phone"),
        ("provider", "user__account__provider"),
        ("anonymous", "user__is_anonymous"),
        ("role", "role"),
        ("is_active", "is_active"),
        ("deactivated_at", "deactivated_at"),
        ("deactivated_by", "deactivated_by_id"),
        ("deactivation_reason", "deactivation_reason"),
        ("last_sign_in_at", "user__last_sign_in_at"),
        ("last_login", "last_login"),
        ("created_at", "created_at"),
    )
    list_select_related = ("user", "user__account")
    search_fields = ("user__email", "user__phone")
    search_help_text = SEARCH_HELP
    ordering = ("-created_at",)
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # counts per filter choice: a scan each
    paginator = EstimatedCountPaginator
    actions = (deactivate_selected, reactivate_selected, change_role_selected)
    readonly_fields = AUTH_FACTS + PROFILE_FACTS
    fieldsets = (
        ("Profile", {"fields": ("role", "reason")}),
        ("Supabase auth user (read-only)", {"fields": AUTH_FACTS}),
        (
            "State (change it with the Deactivate / Reactivate buttons above)",
            {"fields": PROFILE_FACTS},
        ),
    )

    auth_email = _auth_fact("email", "e-mail")
    auth_phone = _auth_fact("phone", "phone")
    auth_email_confirmed_at = _auth_fact("email_confirmed_at", "e-mail confirmed")
    auth_phone_confirmed_at = _auth_fact("phone_confirmed_at", "phone confirmed")
    auth_last_sign_in_at = _auth_fact("last_sign_in_at", "last sign-in")
    auth_created_at = _auth_fact("created_at", "signed up")
    auth_is_sso_user = _auth_fact("is_sso_user", "SSO user", boolean=True)
    auth_is_anonymous = _auth_fact("is_anonymous", "anonymous", boolean=True)
    auth_banned_until = _auth_fact("banned_until", "banned until")
    auth_deleted_at = _auth_fact("deleted_at", "deleted")

    @admin.display(description="user id")
    def auth_user_id(self, obj: UserProfile) -> uuid.UUID | None:
        return obj.user_id

    @admin.display(description="user (e-mail or phone)", ordering="user__email")
    def name(self, obj: UserProfile) -> str:
        # A long address wraps after its @ or a dot, never inside a word.
        label = escape(auth_user_label(obj.user, obj.user_id))
        return mark_safe(label.replace("@", "@<wbr>").replace(".", ".<wbr>"))

    @admin.display(description="reason", ordering="deactivation_reason")
    def reason(self, obj: UserProfile) -> str:
        text = obj.deactivation_reason or ""
        return text if len(text) <= REASON_SHOWN else text[: REASON_SHOWN - 1] + "…"

    @admin.display(description="provider")
    def provider(self, obj: UserProfile) -> str | None:
        return provider_label(obj.user.provider) if obj.user else None

    @admin.display(description="active", boolean=True, ordering="is_active")
    def active(self, obj: UserProfile) -> bool | None:
        return obj.is_active

    @admin.display(description="last sign-in", ordering="user__last_sign_in_at")
    def last_sign_in(self, obj: UserProfile):
        return obj.user.last_sign_in_at if obj.user else None

    @admin.display(description="audit log")
    def audit_entries(self, obj: UserProfile) -> str:
        url = reverse(f"{self.admin_site.name}:usersync_adminauditlog_changelist")
        return format_html(
            '<a href="{}?user_id={}">entries about this user</a> · '
            '<a href="{}">why can or can\'t they get in?</a>',
            url,
            obj.user_id,
            person_url(self.admin_site.name, obj.user_id),
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # profiles come from sign-ups, the sync, or "create profile"

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # a profile goes when its auth user is deleted (ON DELETE CASCADE)

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str):
        term = search_term.strip()
        exact = exact_term(term)
        found = users_by_exact_contact(*exact) if exact is not None else []
        if found:
            return queryset.filter(user_id__in=found), False
        try:
            user_id = uuid.UUID(term)
        except ValueError:
            # auth.users keeps phone numbers without the leading +.
            if term.startswith("+") and term[1:].isdigit():
                term = term[1:]
            return super().get_search_results(request, queryset, term)
        return queryset.filter(Q(user_id=user_id) | Q(pk=user_id)), False

    def save_model(self, request: HttpRequest, obj: UserProfile, form, change: bool) -> None:
        """Only the role is editable, and it changes through staff_changes (locked, audited)."""
        if "role" not in form.changed_data:
            return
        try:
            staff_changes.change_role(
                obj.user_id,
                form.cleaned_data["role"],
                actor_for(request.user),
                form.cleaned_data.get("reason"),
            )
        except UsersyncError as error:
            request._usersync_refused = True
            self.message_user(request, f"The role was not changed: {error}", messages.ERROR)

    def log_change(self, request, obj, message):
        """Recent actions: about the auth user, linking to the per-user page."""
        if not getattr(request, "_usersync_refused", False) and obj.user_id is not None:
            recent.log_users(request, [obj.user_id], message)

    def response_change(self, request: HttpRequest, obj: UserProfile):
        if getattr(request, "_usersync_refused", False):
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)
