"""The project's URLs plus two reference views that health URLs are compared with on the
same server (same middleware, same workers): the anchor, one `SELECT 1` through Django's
connection (what a health URL of one round trip costs at least), and a trivial view that
reads no database."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import path

from bench.scratch import bench_sql
from project.urls import urlpatterns as project_urlpatterns


def trivial(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def one_query(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute(bench_sql("one_query"))
        cursor.fetchone()
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/trivial", trivial),
    path("bench/one-query", one_query),
    *project_urlpatterns,
]
