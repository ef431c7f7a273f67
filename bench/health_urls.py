"""The project's URLs plus two reference views that health URLs are compared with on the
same server (same middleware, same workers): the anchor, one `SELECT 1` through Django's
connection (what a health URL of one round trip costs at least), and a trivial view that
reads no database. Also the two public health URLs as they answer outside their cache
window (USERSYNC_HEALTH_CACHE_SECONDS): every request measured, one round trip each."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path

from bench.scratch import bench_sql
from project.urls import urlpatterns as project_urlpatterns
from usersync.health import checks
from usersync.health.report import Report


def trivial(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def one_query(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute(bench_sql("one_query"))
        cursor.fetchone()
    return HttpResponse("ok", content_type="text/plain")


def measured(report: Callable[[], Report]) -> Callable[[HttpRequest], HttpResponse]:
    def view(request: HttpRequest) -> HttpResponse:
        answer = report()
        return JsonResponse(answer.as_dict(), status=answer.http_status)

    return view


urlpatterns = [
    path("bench/trivial", trivial),
    path("bench/one-query", one_query),
    path("bench/health-measured", measured(checks.public_report)),
    path("bench/dashboard-health-measured", measured(checks.dashboard_report)),
    *project_urlpatterns,
]
