"""Django's admin app with usersync's site as its default (in INSTALLED_APPS instead of
"django.contrib.admin"): admin.site, which every ModelAdmin registers with, is then
usersync's, whose index page shows the sync status."""

from __future__ import annotations

from django.contrib.admin.apps import AdminConfig


class UsersyncAdminConfig(AdminConfig):
    default_site = "usersync.admin_site.UsersyncAdminSite"
