"""{% usersync_sync_status %}: the sync status panel, for any admin template."""

from __future__ import annotations

from django import template
from django.contrib import admin
from django.contrib.admin.sites import all_sites

from usersync.admin.status import status_context

register = template.Library()


def _site(current_app: str | None) -> admin.AdminSite:
    for site in all_sites:
        if site.name == current_app:
            return site
    return admin.site


@register.inclusion_tag("admin/usersync/sync_status.html", takes_context=True)
def usersync_sync_status(context: template.Context) -> dict:
    request = context.get("request")
    return status_context(_site(getattr(request, "current_app", None)))
