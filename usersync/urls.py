"""Every usersync URL under the namespace "usersync": `path("", include("usersync.urls"))`,
before Django admin's `admin/` (usersync serves /admin/users/health-check).

To mount only some of them, include usersync.health.urls (the three health URLs),
usersync.health.metrics_urls (/metrics) or usersync.api.urls (the API) instead."""

from usersync.api import urls as api_urls
from usersync.health import metrics_urls
from usersync.health import urls as health_urls

app_name = "usersync"

urlpatterns = [*health_urls.urlpatterns, *metrics_urls.urlpatterns, *api_urls.urlpatterns]
