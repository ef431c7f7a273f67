"""Read-only admins for the logs and the sync engine's records, like django-auditlog's
LogEntryAdmin: what happened is never added, changed or deleted here, not even by a
superuser."""

from __future__ import annotations

import json

from django.contrib import admin, messages
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest

from usersync.admin.export import CsvExportMixin
from usersync.admin.filters import AuditUserFilter, ErrorTypeFilter, UserIdFilter
from usersync.admin.lookups import DeclaredLookupsOnly
from usersync.admin.paging import EstimatedCountPaginator
from usersync.admin.person import person_link
from usersync.logs import failures
from usersync.models import (
    AdminAuditLog,
    AuthUser,
    ChatErrorLog,
    SyncRun,
    TriggerFailure,
    UserActivityLog,
)
from usersync.naming import user_label


def with_user_names(queryset: QuerySet, field: str) -> QuerySet:
    """Each row with its user's e-mail, phone and anonymity (one index lookup each per
    row of the page), to name the user without a query per row."""
    user = AuthUser.objects.filter(pk=OuterRef(field))
    return queryset.annotate(
        named_email=Subquery(user.values("email")[:1]),
        named_phone=Subquery(user.values("phone")[:1]),
        named_anonymous=Subquery(user.values("is_anonymous")[:1]),
    )


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

    # The column holding the user's id, named by with_user_names (None: no user column).
    user_field: str | None = "user_id"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        return with_user_names(queryset, self.user_field) if self.user_field else queryset

    def user_link(self, obj, fallback_email: str | None = None) -> str:
        """The user, named by usersync.naming, linked to their person page."""
        user_id = getattr(obj, self.user_field)
        if user_id is None:
            return "-"
        email = getattr(obj, "named_email", None) or fallback_email
        label = user_label(
            email,
            getattr(obj, "named_phone", None),
            user_id,
            bool(getattr(obj, "named_anonymous", False)),
        )
        return person_link(self.admin_site.name, user_id, label)


@admin.register(AdminAuditLog)
class AdminAuditLogAdmin(CsvExportMixin, ReadOnlyAdmin):
    list_display = ("created_at", "actor", "action", "target", "reason")
    list_filter = ("action", AuditUserFilter, "actor")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    user_field = "target_user_id"
    export_key = "-id"
    export_columns = (
        ("id", "id"),
        ("created_at", "created_at"),
        ("actor", "actor"),
        ("actor_user_id", "actor_user_id"),
        ("action", "action"),
        ("target_user_id", "target_user_id"),
        ("target_email", "named_email"),
        ("old_values", "old_values"),
        ("new_values", "new_values"),
        ("reason", "reason"),
        ("details", "details"),
    )

    @admin.display(description="target user", ordering="target_user_id")
    def target(self, obj: AdminAuditLog) -> str:
        # A deleted user is still named by the e-mail the entry recorded.
        return self.user_link(obj, (obj.details or {}).get("email"))

    def export_row(self, row: dict) -> list:
        for name in ("old_values", "new_values", "details"):
            row[name] = json.dumps(row[name], sort_keys=True) if row[name] is not None else None
        return super().export_row(row)


@admin.register(UserActivityLog)
class UserActivityLogAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "user", "activity_type", "ip_address")
    list_filter = ("activity_type", UserIdFilter)
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")

    @admin.display(description="user", ordering="user_id")
    def user(self, obj: UserActivityLog) -> str:
        return self.user_link(obj)


@admin.register(ChatErrorLog)
class ChatErrorLogAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "user", "error_type", "message")
    list_filter = (ErrorTypeFilter, UserIdFilter)
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")

    @admin.display(description="user", ordering="user_id")
    def user(self, obj: ChatErrorLog) -> str:
        return self.user_link(obj)


@admin.register(SyncRun)
class SyncRunAdmin(ReadOnlyAdmin):
    user_field = None
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
    list_display = (
        "occurred_at",
        "user",
        "source",
        "sqlstate",
        "message",
        "claims_sent",
        "resolved_at",
    )
    list_filter = (("resolved_at", admin.EmptyFieldListFilter), "source", UserIdFilter)
    date_hierarchy = "occurred_at"
    ordering = ("-occurred_at", "-id")
    # A hook failure is no missing profile, which a sync repairs: a token went out without
    # usersync's claims. It stays open until staff acknowledge it.
    actions = ("acknowledge_hook_failures",)

    def has_acknowledge_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("usersync.change_userprofile")

    @admin.action(permissions=["acknowledge"], description="Acknowledge the selected hook failures")
    def acknowledge_hook_failures(self, request: HttpRequest, queryset: QuerySet) -> None:
        done = failures.acknowledge_hook_failures(queryset.values_list("pk", flat=True))
        text = f"Acknowledged {done.acknowledged} access token hook failures"
        if done.unrecorded:
            text += f", and {done.unrecorded} the hook could not record"
        self.message_user(request, text + ".", messages.SUCCESS)

    @admin.display(description="claims sent")
    def claims_sent(self, obj: TriggerFailure) -> str:
        return json.dumps(obj.claims, sort_keys=True)[:200] if obj.claims is not None else "-"

    @admin.display(description="user", ordering="user_id")
    def user(self, obj: TriggerFailure) -> str:
        return self.user_link(obj)
