"""The per-user page, "why can't this person get in?": one page by auth user id with
the verdict, the auth facts, the profile, trigger failures and the history
(usersync.staff.diagnosis). Added to the profile admin; Django's History button of a
profile leads here, since the audit log, not Django's LogEntry, is a profile's history."""

from __future__ import annotations

import uuid

from django.contrib.admin.views.main import SEARCH_VAR
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from usersync.admin.filters import provider_label
from usersync.models import UserProfile
from usersync.staff.diagnosis import HISTORY_LIMIT, changes_text, diagnose


def person_url(admin_site_name: str, user_id: uuid.UUID | str) -> str:
    return reverse(f"{admin_site_name}:usersync_userprofile_person", args=[str(user_id)])


def person_link(admin_site_name: str, user_id: uuid.UUID | str | None, label: str) -> str:
    if user_id is None:
        return label
    return format_html('<a href="{}">{}</a>', person_url(admin_site_name, user_id), label)


class PersonPageMixin:
    """For the profile ModelAdmin: the person page's URL and view, and History → it."""

    def get_urls(self):
        opts = self.model._meta
        person = path(
            "person/<uuid:user_id>/",
            self.admin_site.admin_view(self.person_view),
            name=f"{opts.app_label}_{opts.model_name}_person",
        )
        # The auth user's "change" URL is the per-user page: Django's Recent actions
        # link an entry about an auth user there (usersync.admin.recent).
        auth_user = path(
            "person/<uuid:user_id>/",
            self.admin_site.admin_view(self.person_view),
            name=f"{opts.app_label}_authuser_change",
        )
        return [person, auth_user, *super().get_urls()]

    def history_view(self, request: HttpRequest, object_id: str, extra_context=None):
        profile = self.get_object(request, object_id)
        if profile is None or not self.has_view_or_change_permission(request, profile):
            return super().history_view(request, object_id, extra_context)
        return HttpResponseRedirect(person_url(self.admin_site.name, profile.user_id))

    def person_view(self, request: HttpRequest, user_id: uuid.UUID):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        found = diagnose(user_id)
        if found is None:
            raise Http404(f"no auth user with id {user_id}")
        site = self.admin_site.name
        for entry in found.audit:
            entry.changes = changes_text(entry.old_values, entry.new_values)

        def listed(model: str, parameter: str = "user_id") -> str:
            url = reverse(f"{site}:usersync_{model}_changelist")
            return f"{url}?{parameter}={user_id}"

        profile: UserProfile | None = found.profile
        can_change = profile is not None and self.has_change_permission(request, profile)
        request.current_app = site
        return TemplateResponse(
            request,
            "admin/usersync/person.html",
            {
                **self.admin_site.each_context(request),
                "title": found.label,
                "subtitle": None,
                "opts": self.model._meta,
                "d": found,
                "limit": HISTORY_LIMIT,
                "provider": provider_label(found.user.provider) if found.user else "",
                "profile_url": (
                    reverse(f"{site}:usersync_userprofile_change", args=[profile.pk])
                    if profile
                    else ""
                ),
                "missing_url": (
                    f"{reverse(f'{site}:usersync_userwithoutprofile_changelist')}"
                    f"?{SEARCH_VAR}={user_id}"
                ),
                "audit_url": listed("adminauditlog"),
                "activity_url": listed("useractivitylog"),
                "failures_url": listed("triggerfailure"),
                "deactivate_url": (
                    reverse(f"{site}:usersync_userprofile_deactivate", args=[profile.pk])
                    if can_change
                    else ""
                ),
                "reactivate_url": (
                    reverse(f"{site}:usersync_userprofile_reactivate", args=[profile.pk])
                    if can_change
                    else ""
                ),
            },
        )
