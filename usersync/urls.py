from django.urls import path

from usersync import api, views

# project/urls.py includes these before Django admin's `admin/`, which would otherwise
# answer /admin/users/health-check with its own login page.
urlpatterns = [
    path("health", views.public_health, name="health"),
    path("dashboard/health-check", views.dashboard_health, name="dashboard-health"),
    path("admin/users/health-check", views.staff_health, name="staff-health"),
    path("metrics", views.prometheus_metrics, name="metrics"),
    path("api/users/", api.users, name="api-users"),
    path("api/users/<str:user_id>/", api.user, name="api-user"),
    path("api/users/<str:user_id>/profile", api.create_profile, name="api-user-profile"),
    path("api/sync", api.sync, name="api-sync"),
    path("api/chat-errors", api.chat_errors, name="api-chat-errors"),
]
