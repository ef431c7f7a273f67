"""Explicit links from staff accounts to auth users: superusers only, audited."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import router
from django.http import HttpRequest

from usersync.admin.lookups import DeclaredLookupsOnly
from usersync.models import StaffLink
from usersync.staff.identity import actor_for, remove_link, set_link


@admin.register(StaffLink)
class StaffLinkAdmin(DeclaredLookupsOnly, admin.ModelAdmin):
    list_display = ("user", "auth_user", "created_at")
    raw_id_fields = ("auth_user",)
    fields = ("user", "auth_user")
    actions = None

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser

    def get_list_select_related(self, request: HttpRequest):
        # No join with Django's users where they live in another database.
        same_database = router.db_for_read(get_user_model()) == router.db_for_read(StaffLink)
        return ("user", "auth_user") if same_database else ("auth_user",)

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        return ("user",) if obj else ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: StaffLink, form, change: bool) -> None:
        saved = set_link(obj.user, obj.auth_user_id, actor_for(request.user))
        obj.pk, obj.created_at = saved.pk, saved.created_at

    def delete_model(self, request: HttpRequest, obj: StaffLink) -> None:
        remove_link(obj, actor_for(request.user))
