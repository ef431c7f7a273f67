from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    # First: usersync's /admin/users/health-check sits inside admin/'s prefix.
    path("", include("usersync.urls")),
    path("admin/", admin.site.urls),
]
