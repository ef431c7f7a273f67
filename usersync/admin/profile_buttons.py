"""Deactivate / Reactivate buttons of a profile's change page: the list actions, on one
profile, with the same confirmation page and reason rules."""

from __future__ import annotations

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.urls import path, reverse

from usersync.admin.actions import deactivate_selected, reactivate_selected
from usersync.admin.person import person_url


class ProfileButtonsMixin:
    """For the profile ModelAdmin: <id>/deactivate/ and <id>/reactivate/."""

    def get_urls(self):
        opts = self.model._meta
        prefix = f"{opts.app_label}_{opts.model_name}"
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/deactivate/",
                view(self.deactivate_view),
                name=f"{prefix}_deactivate",
            ),
            path(
                "<path:object_id>/reactivate/",
                view(self.reactivate_view),
                name=f"{prefix}_reactivate",
            ),
            *super().get_urls(),
        ]

    def deactivate_view(self, request: HttpRequest, object_id: str):
        return self._one_profile(request, object_id, deactivate_selected)

    def reactivate_view(self, request: HttpRequest, object_id: str):
        return self._one_profile(request, object_id, reactivate_selected)

    def _one_profile(self, request: HttpRequest, object_id: str, action):
        profile = self.get_object(request, unquote(object_id))
        if profile is None:
            raise Http404("no such profile")
        if not self.has_change_permission(request, profile):
            raise PermissionDenied
        queryset = self.get_queryset(request).filter(pk=profile.pk)
        response = action(self, request, queryset)
        if response is not None:
            return response  # the confirmation page, or it again with the form's errors
        if profile.user_id is not None:  # the per-user page says what changed, and why
            return HttpResponseRedirect(person_url(self.admin_site.name, profile.user_id))
        opts = self.model._meta
        change = reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change",
            args=[profile.pk],
        )
        return HttpResponseRedirect(change)
