"""CSV export of an admin list as filtered on screen, streamed: rows are read in
keyset pages (WHERE key > last ORDER BY key LIMIT n), each its own short query, and
written as they come, so memory stays flat at any size and nothing holds a server-side
cursor or a transaction open for the whole download (which a transaction pooler would
not allow: server-side cursors are disabled there)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseBadRequest, StreamingHttpResponse
from django.urls import path
from django.utils import timezone

PAGE_ROWS = 2000
# A spreadsheet runs a cell starting with one of these as a formula: text from users
# (e-mails, reasons) must not become one. Also after leading blanks, and the full-width
# forms, which some spreadsheets read as the ASCII ones (OWASP, CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def keyset_rows(queryset: QuerySet, key: str = "pk", page_rows: int = PAGE_ROWS) -> Iterator[dict]:
    """Every row of a .values() queryset, in pages along `key` ("-id": descending);
    `key` must be unique and among the values."""
    name, descending = key.lstrip("-"), key.startswith("-")
    ordered = queryset.order_by(key)
    last = None
    while True:
        page = ordered
        if last is not None:
            page = page.filter(**{f"{name}__{'lt' if descending else 'gt'}": last})
        rows = list(page[:page_rows])
        yield from rows
        if len(rows) < page_rows:
            return
        last = rows[-1][name]


def cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, str) and (
        value.startswith(FORMULA_START) or value.lstrip().startswith(FORMULA_START)
    ):
        return "'" + value
    return value


class _Echo:
    """csv.writer writes into this and gets the line back, to be streamed."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(list(header))
    for row in rows:
        yield writer.writerow([cell(value) for value in row])


class CsvExportMixin:
    """For a ModelAdmin: <list>/export/, the list's current filters and search as CSV.
    `export_columns` are (header, .values() lookup); `export_key` a unique lookup."""

    export_columns: tuple[tuple[str, str], ...] = ()
    export_key = "pk"

    def get_urls(self):
        opts = self.model._meta
        export = path(
            "export/",
            self.admin_site.admin_view(self.export_view),
            name=f"{opts.app_label}_{opts.model_name}_export",
        )
        return [export, *super().get_urls()]

    def export_row(self, row: dict) -> list[Any]:
        return [row[lookup] for _, lookup in self.export_columns]

    def export_view(self, request: HttpRequest):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters as error:
            return HttpResponseBadRequest(f"Bad filter: {error}\n", content_type="text/plain")
        lookups = {lookup for _, lookup in self.export_columns} | {self.export_key.lstrip("-")}
        values = changelist.queryset.values(*lookups)
        rows = (self.export_row(row) for row in keyset_rows(values, self.export_key))
        header = [name for name, _ in self.export_columns]
        response = StreamingHttpResponse(
            csv_lines(header, rows), content_type="text/csv; charset=utf-8"
        )
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        filename = f"{self.model._meta.model_name}-{stamp}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
