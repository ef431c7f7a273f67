"""The health URLs on their own: `path("", include("usersync.health.urls"))`.

Include them before Django admin's `admin/`, which would otherwise answer
/admin/users/health-check with its login page. health/probe is django-health-check's
view: with "health_check" in INSTALLED_APPS (its template and its `health_check`
command), `manage.py health_check usersync_health:health-probe --no-http` probes a
container (`usersync:health-probe` where usersync.urls is included)."""

from django.urls import path

from usersync.health import probe, views

app_name = "usersync_health"

urlpatterns = [
    path("health", views.public_health, name="health"),
    path("health/probe", probe.HealthProbe.as_view(), name="health-probe"),
    path("dashboard/health-check", views.dashboard_health, name="dashboard-health"),
    path("admin/users/health-check", views.staff_health, name="staff-health"),
]
