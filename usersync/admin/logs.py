"""Read-only admins for the logs and the sync engine's records, like django-auditlog's
LogEntryAdmin: what happened is never added, changed or deleted here, not even by a
superuser."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from usersync.admin.filters import AuditUserFilter, UserIdFilter
from usersync.admin.lookups import DeclaredLookupsOnly
from usersync.admin.paging import EstimatedCountPaginator
from usersync.models import AdminAuditLog, ChatErrorLog, SyncRun, TriggerFailure, UserActivityLog


class ReadOnlyAdmin(DeclaredLookupsOnly, admin.ModelAdmin):
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = EstimatedCountPaginator
    actions = None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def profile_link(self, user_id) -> str:
        if user_id is None:
            return "-"
        url = reverse(f"{self.admin_site.name}:usersync_userprofile_changelist")
        return format_html('<a href="{}?q={}">{}</a>', url, user_id, user_id)


@admin.register(AdminAuditLog)
class AdminAuditLogAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "actor", "action", "target", "reason")
    list_filter = ("action", AuditUserFilter, "actor")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")

    @admin.display(description="target user", ordering="target_user_id")
    def target(self, obj: AdminAuditLog) -> str:
        return self.profile_link(obj.target_user_id)


@admin.register(UserActivityLog)
class UserActivityLogAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "user", "activity_type", "ip_address")
    list_filter = ("activity_type", UserIdFilter)
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")

    @admin.display(description="user", ordering="user_id")
    def user(self, obj: UserActivityLog) -> str:
        return self.profile_link(obj.user_id)


@admin.register(ChatErrorLog)
class ChatErrorLogAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "user", "error_type", "message")
    list_filter = ("error_type", UserIdFilter)
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")

    @admin.display(description="user", ordering="user_id")
    def user(self, obj: ChatErrorLog) -> str:
        return self.profile_link(obj.user_id)


@admin.register(SyncRun)
class SyncRunAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "started_at",
        "finished_at",
        "status",
        "created",
        "filled",
        "reset",
        "batches",
        "triggered_by",
    )
    list_filter = ("status",)
    date_hierarchy = "started_at"
    ordering = ("-started_at", "-id")


@admin.register(TriggerFailure)
class TriggerFailureAdmin(ReadOnlyAdmin):
    list_display = ("occurred_at", "user", "source", "sqlstate", "message", "resolved_at")
    list_filter = (("resolved_at", admin.EmptyFieldListFilter), "source", UserIdFilter)
    date_hierarchy = "occurred_at"
    ordering = ("-occurred_at", "-id")

    @admin.display(description="user", ordering="user_id")
    def user(self, obj: TriggerFailure) -> str:
        return self.profile_link(obj.user_id)
