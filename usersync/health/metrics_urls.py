"""/metrics on its own: `path("", include("usersync.health.metrics_urls"))`."""

from django.urls import path

from usersync.health import views

app_name = "usersync_metrics"

urlpatterns = [
    path("metrics", views.prometheus_metrics, name="metrics"),
]
