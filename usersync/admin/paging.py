"""Pages without counting a million rows on every load."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property

from usersync.db.connection import connection
from usersync.db.rows import fetch_value
from usersync.db.sql import query

# Below this many rows an exact count is cheap, and exact is better.
ESTIMATE_ABOVE = 100_000


def estimated_rows(db_table: str) -> int | None:
    relation = db_table if "." in db_table else f"public.{db_table}"
    with connection().cursor() as cursor:
        cursor.execute(query("estimated_rows"), {"relation": relation})
        estimate = fetch_value(cursor)
    return int(estimate) if estimate is not None and estimate >= 0 else None


class EstimatedCountPaginator(Paginator):
    """Django's changelist counts the whole table on every page load. Unfiltered, a large
    table's count comes from the catalog's estimate instead (the page links past the
    real end then show an empty page); filtered, the count is exact."""

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if not getattr(queryset, "query", None) or queryset.query.where:
            return super().count
        estimate = estimated_rows(queryset.model._meta.db_table)
        if estimate is not None and estimate > ESTIMATE_ABOVE:
            return estimate
        return super().count
