"""GET /health/probe, and `manage.py health_check usersync:health-probe [--no-http]`
(django-health-check's command: it runs the checks of this view) for container probes.

django-health-check's own view (text, JSON, HTML, OpenMetrics, feeds; 500 when a check
fails) over health.probe_checks(), with usersync's JSON answer to a method or an Accept
header it cannot serve. Its `health_check` command needs "health_check" in
INSTALLED_APPS; the URL does not.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any

from django.apps import apps
from django.http import HttpRequest, HttpResponse
from health_check.base import HealthCheck
from health_check.views import HealthCheckView, MediaType

from usersync.db.connection import connection
from usersync.health import checks as health
from usersync.http import error_response


class HealthProbe(HealthCheckView):
    http_method_names = ["get", "head"]

    def get_checks(self) -> Iterator[HealthCheck]:
        yield from health.probe_checks()

    @contextlib.contextmanager
    def get_executor(self) -> Iterator[Executor]:
        # The checks run in this one worker thread; the database connection they open
        # there is closed afterwards rather than left to the thread's end.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="usersync-probe") as pool:
            try:
                yield pool
            finally:
                pool.submit(lambda: connection().close()).result()

    async def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            list(MediaType.parse_header(request.headers.get("accept", "*/*")))
        except ValueError:
            return error_response(406, "the Accept header is not a list of media types")
        return await super().get(request, *args, **kwargs)

    def render_to_response(self, context: dict, **kwargs: Any) -> HttpResponse:
        # Its HTML template comes with the health_check app, which a host needs only for
        # the command: without it, browsers get the text answer.
        if not apps.is_installed("health_check"):
            return self.render_to_response_text(kwargs.get("status", 200))
        return super().render_to_response(context, **kwargs)

    async def http_method_not_allowed(
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponse:
        return error_response(
            405, f"method {request.method} not allowed", headers={"Allow": "GET, HEAD"}
        )
