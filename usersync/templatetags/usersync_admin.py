"""{% usersync_sync_status %}: the sync status panel, for any admin template.

Its counts are the stored ones that GET /health reads (usersync.health.reading): at
millions of users an exact count takes seconds, and staff open the admin index all
day. They are counted again in the background once older than
USERSYNC_STATUS_CACHE_SECONDS; with 0, on every load."""

from __future__ import annotations

from django import template
from django.contrib import admin
from django.contrib.admin.sites import all_sites

from usersync import sync
from usersync.admin.status import status_context
from usersync.conf import conf
from usersync.health import reading

register = template.Library()


def _site(current_app: str | None) -> admin.AdminSite:
    for site in all_sites:
        if site.name == current_app:
            return site
    return admin.site


@register.inclusion_tag("admin/usersync/sync_status.html", takes_context=True)
def usersync_sync_status(context: template.Context) -> dict:
    request = context.get("request")
    site = _site(getattr(request, "current_app", None))
    if conf.STATUS_CACHE_SECONDS <= 0:
        return status_context(site)
    return status_context(site, _stored_status, stored=True)


def _stored_status() -> sync.SyncStatus:
    return reading.stored_status(conf.STATUS_CACHE_SECONDS, conf.HEALTH_TIME_LIMIT_SECONDS)
