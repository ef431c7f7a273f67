"""The project's URLs plus a trivial view: the baseline that health URLs are compared
with on the same server (same middleware, same workers)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from project.urls import urlpatterns as project_urlpatterns


def trivial(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/trivial", trivial), *project_urlpatterns]
