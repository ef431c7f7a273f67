"""List filters that stay cheap on large tables: fixed choices where the values are
known, and a text box for a user id where a list of values would be endless."""

from __future__ import annotations

import uuid

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from usersync.db.connection import connection
from usersync.db.rows import as_dicts
from usersync.db.sql import query
from usersync.roles import allowed_roles


def provider_label(provider: str) -> str:
    # SAML SSO providers are "sso:<provider uuid>": an id, not a name; the per-user page
    # shows the id in full.
    return "SAML SSO" if provider.startswith("sso:") else provider


class RoleFilter(admin.SimpleListFilter):
    title = "role"
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return [(role, role) for role in allowed_roles()]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(role=self.value()) if self.value() else queryset


class ActiveFilter(admin.BooleanFieldListFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = "active"

    def choices(self, changelist):
        # Every profile is active or not: no "Unknown" choice.
        for choice in super().choices(changelist):
            if f"{self.lookup_kwarg2}=True" not in choice["query_string"]:
                yield choice


class SsoProviderFilter(admin.SimpleListFilter):
    title = "SSO provider"
    parameter_name = "sso_provider"
    NONE = "-"

    def lookups(self, request, model_admin):
        with connection().cursor() as cursor:
            cursor.execute(query("sso_providers"))
            providers = [row["sso_provider"] for row in as_dicts(cursor)]
        return [(self.NONE, "none (e-mail, phone)"), *((p, provider_label(p)) for p in providers)]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value == self.NONE:
            return queryset.filter(sso_provider__isnull=True)
        return queryset.filter(sso_provider=value) if value else queryset


class SignedInFilter(admin.SimpleListFilter):
    title = "sign-in"
    parameter_name = "signed_in"
    field = "user__last_sign_in_at"

    def lookups(self, request, model_admin):
        return [("never", "never signed in"), ("yes", "has signed in")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        field = self.field
        if self.value() == "never":
            return queryset.filter(**{f"{field}__isnull": True})
        if self.value() == "yes":
            return queryset.filter(**{f"{field}__isnull": False})
        return queryset


class TextBoxFilter(admin.SimpleListFilter):
    """A filter that is a text box (admin/usersync/input_filter.html), not a list."""

    template = "admin/usersync/input_filter.html"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        # The other filters and the search stay as they are when this box is submitted.
        self.preserved = [
            (key, value)
            for key, values in request.GET.lists()
            if key not in {self.parameter_name, "p", "e"}
            for value in values
        ]

    def lookups(self, request, model_admin):
        return [("", "any")]  # the box needs no choices, but a filter without any is hidden


class UserIdFilter(TextBoxFilter):
    """A text box for one user id (the exact UUID); `fields` are the columns it matches."""

    title = "user id"
    parameter_name = "user_id"
    fields: tuple[str, ...] = ("user_id",)

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = (self.value() or "").strip()
        if not value:
            return queryset
        try:
            user_id = uuid.UUID(value)
        except ValueError:
            raise IncorrectLookupParameters(f"not a user id: {value[:80]!r}") from None
        match = Q()
        for field in self.fields:
            match |= Q(**{field: user_id})
        return queryset.filter(match)


class AuditUserFilter(UserIdFilter):
    title = "user id (target or actor)"
    fields = ("target_user_id", "actor_user_id")


class ReasonFilter(TextBoxFilter):
    """A text box: deactivation reasons containing these words (case-insensitive)."""

    title = "deactivation reason"
    parameter_name = "reason"
    placeholder = "words in the reason"

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = (self.value() or "").strip()
        return queryset.filter(deactivation_reason__icontains=value) if value else queryset


class ErrorTypeFilter(TextBoxFilter):
    """A text box for one error type (exact, case-insensitive): error types are whatever
    callers of POST /api/chat-errors send, so a list of links would grow without bound."""

    title = "error type"
    parameter_name = "error_type"
    placeholder = "an error type, e.g. timeout"

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = (self.value() or "").strip()
        return queryset.filter(error_type__iexact=value) if value else queryset
