"""The health URLs and /metrics: they only render usersync.health.checks's checks."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from prometheus_client import CONTENT_TYPE_LATEST

from usersync.access.permissions import monitoring_required
from usersync.health import checks as health
from usersync.health import metrics, window
from usersync.http import json_methods, param_bool


def _render(report: health.Report, detailed: bool = False) -> JsonResponse:
    return JsonResponse(report.as_dict(detailed=detailed), status=report.http_status)


@never_cache
@json_methods("GET", "HEAD")
def public_health(request: HttpRequest) -> HttpResponse:
    """GET /health: public; counts at most."""
    return _render(window.recent("health", health.public_report))


@never_cache
@json_methods("GET", "HEAD")
def dashboard_health(request: HttpRequest) -> HttpResponse:
    """GET /dashboard/health-check: public, constant time."""
    return _render(window.recent("dashboard", health.dashboard_report))


@never_cache
@json_methods("GET", "HEAD")
@monitoring_required
def staff_health(request: HttpRequest) -> HttpResponse:
    """GET /admin/users/health-check: staff or monitoring; detailed. ?recount=true
    counts users and profiles in full instead of reading the stored count."""
    return _render(health.staff_report(recount=bool(param_bool(request, "recount"))), detailed=True)


@never_cache
@json_methods("GET", "HEAD")
@monitoring_required
def prometheus_metrics(request: HttpRequest) -> HttpResponse:
    """GET /metrics: staff or monitoring; the Prometheus text format."""
    return HttpResponse(metrics.render(), content_type=CONTENT_TYPE_LATEST)
