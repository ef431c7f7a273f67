"""The health URLs on their own: `path("", include("usersync.health.urls"))`.

Include them before Django admin's `admin/`, which would otherwise answer
/admin/users/health-check with its login page."""

from django.urls import path

from usersync.health import views

app_name = "usersync_health"

urlpatterns = [
    path("health", views.public_health, name="health"),
    path("dashboard/health-check", views.dashboard_health, name="dashboard-health"),
    path("admin/users/health-check", views.staff_health, name="staff-health"),
]
