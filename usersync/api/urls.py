"""The JSON user-management API on its own: `path("", include("usersync.api.urls"))`."""

from django.urls import path

from usersync.api import views

app_name = "usersync_api"

urlpatterns = [
    path("api/users/", views.users, name="api-users"),
    path("api/users/<str:user_id>/", views.user, name="api-user"),
    path("api/users/<str:user_id>/profile", views.create_profile, name="api-user-profile"),
    path("api/sync", views.sync, name="api-sync"),
    path("api/chat-errors", views.chat_errors, name="api-chat-errors"),
]
