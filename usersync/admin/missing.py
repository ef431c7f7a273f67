"""Auth users who can sign in but have no profile (read-only, from the unmanaged
auth.users), with "create profile" and "sync all missing" through usersync's functions."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from usersync import sync
from usersync.admin import recent
from usersync.admin.actions import apply_each, confirmation_page, too_many
from usersync.admin.filters import provider_label
from usersync.admin.lookups import DeclaredLookupsOnly
from usersync.admin.person import person_link
from usersync.admin.search import SEARCH_HELP, exact_term, users_by_exact_contact
from usersync.conf import conf
from usersync.errors import UsersyncError
from usersync.models import UserWithoutProfile
from usersync.roles import allowed_roles, default_role
from usersync.staff import changes as staff_changes
from usersync.staff.identity import actor_for
from usersync.sync.profiles import create_profile


def profiles(count: int) -> str:
    return f"{count:,} profile{'' if count == 1 else 's'}"


class CreateProfileForm(forms.Form):
    """The role and state of new profiles. A role other than the default needs the
    right to change roles (`may_choose_role`): the add permission alone does not grant
    the admin role."""

    role = forms.ChoiceField()
    active = forms.BooleanField(
        required=False, initial=True, help_text="Untick to create it inactive."
    )

    def __init__(self, *args, may_choose_role: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.may_choose_role = may_choose_role
        self.fields["role"].choices = [(role, role) for role in allowed_roles()]
        self.fields["role"].initial = conf.DEFAULT_ROLE
        if not may_choose_role:
            self.fields["role"].help_text = "Another role needs the change permission."

    def clean_role(self) -> str:
        role = self.cleaned_data["role"]
        if self.may_choose_role:
            return role
        try:
            default = default_role()
        except UsersyncError as error:
            raise forms.ValidationError(str(error)) from None
        if role != default:
            raise forms.ValidationError(
                f"You may create profiles only with the default role {default}: another "
                f"role needs the permission to change user profiles."
            )
        return role


@admin.register(UserWithoutProfile)
class UserWithoutProfileAdmin(DeclaredLookupsOnly, admin.ModelAdmin):
    list_display = ("email", "phone", "provider", "signed_up", "last_sign_in", "anonymous", "why")
    search_fields = ("email", "phone")
    search_help_text = SEARCH_HELP
    ordering = ("-created_at",)
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    actions = ("create_profiles",)
    fields = (
        "id",
        "email",
        "phone",
        "provider",
        "created_at",
        "last_sign_in_at",
        "email_confirmed_at",
        "phone_confirmed_at",
        "is_sso_user",
        "is_anonymous",
        "banned_until",
        "raw_app_meta_data",
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # Who needs a profile is usersync.user_accounts' rule (soft-deleted users do not).
        queryset = super().get_queryset(request).select_related("account")
        return queryset.filter(account__needs_profile=True)

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str):
        exact = exact_term(search_term)
        found = users_by_exact_contact(*exact) if exact is not None else []
        if found:
            return queryset.filter(pk__in=found), False
        try:
            return queryset.filter(pk=uuid.UUID(search_term.strip())), False
        except ValueError:
            return super().get_search_results(request, queryset, search_term.strip().lstrip("+"))

    @admin.display(description="")
    def why(self, obj: UserWithoutProfile) -> str:
        return person_link(self.admin_site.name, obj.pk, "why can't they get in?")

    @admin.display(description="provider")
    def provider(self, obj: UserWithoutProfile) -> str:
        return provider_label(obj.provider)

    @admin.display(description="signed up", ordering="created_at")
    def signed_up(self, obj: UserWithoutProfile):
        return obj.created_at

    @admin.display(description="last sign-in", ordering="last_sign_in_at")
    def last_sign_in(self, obj: UserWithoutProfile):
        return obj.last_sign_in_at

    @admin.display(description="anonymous", boolean=True, ordering="is_anonymous")
    def anonymous(self, obj: UserWithoutProfile) -> bool:
        return obj.is_anonymous

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # auth users are Supabase Auth's

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_create_profile_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("usersync.add_userprofile")

    @admin.action(
        permissions=["create_profile"], description="Create a profile for the selected users…"
    )
    def create_profiles(self, request: HttpRequest, queryset: QuerySet):
        if too_many(self, request, queryset):
            return None
        form = CreateProfileForm(
            request.POST if request.POST.get("post") else None,
            may_choose_role=request.user.has_perm("usersync.change_userprofile"),
        )
        if form.is_valid():
            actor = actor_for(request.user)
            role, active = form.cleaned_data["role"], form.cleaned_data["active"]
            apply_each(
                self,
                request,
                queryset.values_list("id", "email"),
                lambda user_id: create_profile(user_id, role, active, actor=actor),
                "Created the profile of",
                f"Created the profile (role {role}, {'active' if active else 'inactive'})",
                recent.ADDITION,
            )
            return None
        users = list(queryset)
        return confirmation_page(
            self,
            request,
            "admin/usersync/userwithoutprofile/create_profile_confirmation.html",
            "create_profiles",
            "Create profiles",
            form=form,
            submit_label="Create profiles",
            selected_pks=[u.pk for u in users],
            users=users,
        )

    def get_urls(self):
        opts = self.model._meta
        sync_url = path(
            "sync/",
            self.admin_site.admin_view(self.sync_view),
            name=f"{opts.app_label}_{opts.model_name}_sync",
        )
        return [sync_url, *super().get_urls()]

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        context = {"can_sync": self.has_create_profile_permission(request), **(extra_context or {})}
        return super().changelist_view(request, context)

    def sync_view(self, request: HttpRequest):
        """GET: the dry run (usersync.sync.plan); POST: the sync, then back to the list."""
        if not self.has_create_profile_permission(request):
            raise PermissionDenied
        changelist = reverse(f"{self.admin_site.name}:usersync_userwithoutprofile_changelist")
        if request.method == "POST":
            try:
                result = staff_changes.run_sync(actor_for(request.user))
            except UsersyncError as error:
                self.message_user(request, f"The sync did not run: {error}", messages.ERROR)
            else:
                recent.log_sync(
                    request,
                    result.run_id,
                    f"Ran the sync: {profiles(result.created)} created, {result.filled} filled",
                )
                self.message_user(
                    request,
                    f"Sync run {result.run_id}: {profiles(result.created)} created, "
                    f"{result.filled} filled from auth data, in {result.duration_seconds} s.",
                    messages.SUCCESS,
                )
            return HttpResponseRedirect(changelist)
        try:
            plan, error = sync.plan(), None
        except UsersyncError as problem:
            plan, error = None, str(problem)
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request,
            "admin/usersync/userwithoutprofile/sync_preview.html",
            {
                **self.admin_site.each_context(request),
                "title": "Sync all missing profiles",
                "subtitle": None,
                "opts": self.model._meta,
                "plan": plan,
                "error": error,
                "changelist_url": changelist,
            },
        )
