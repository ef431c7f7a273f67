"""Query-string filters of the admin's lists: only those the admin declares.

Django's admin accepts any lookup on a model's own fields from the URL
(`?raw_app_meta_data__key__startswith=a`, `?role__regex=…`), which lets anyone who may
view a list read, one character at a time, a column the list never shows. Here a
list accepts exactly the parameters of its list filters and date hierarchy."""

from __future__ import annotations

from django.contrib.admin import FieldListFilter, ModelAdmin, widgets
from django.contrib.admin.utils import get_fields_from_path
from django.http import HttpRequest

DATE_PARTS = ("year", "month", "day")


def declared_parameters(model_admin: ModelAdmin, request: HttpRequest | None) -> set[str]:
    """The query-string parameters the admin's list filters and date hierarchy read."""
    allowed: set[str] = set()
    model = model_admin.model
    for item in model_admin.get_list_filter(request):
        if isinstance(item, (list, tuple)):
            path, filter_class = item
            field = get_fields_from_path(model, path)[-1]
            spec = filter_class(field, request, {}, model, model_admin, field_path=path)
        elif isinstance(item, str):
            field = get_fields_from_path(model, item)[-1]
            spec = FieldListFilter.create(field, request, {}, model, model_admin, field_path=item)
        else:
            spec = item(request, {}, model, model_admin)
        allowed.update(spec.expected_parameters())
    if model_admin.date_hierarchy:
        allowed.update(f"{model_admin.date_hierarchy}__{part}" for part in DATE_PARTS)
    return allowed


class DeclaredLookupsOnly:
    """ModelAdmin mixin: refuse (400) every filter the admin does not declare."""

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        # The raw-id popups of foreign keys with limit_choices_to, as Django allows them.
        for fk_lookup in self.model._meta.related_fkey_lookups:
            fk_lookup = fk_lookup() if callable(fk_lookup) else fk_lookup
            if (lookup, value) in widgets.url_params_from_lookup_dict(fk_lookup).items():
                return True
        return lookup in declared_parameters(self, request)
