from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("usersync.urls")),
    path("admin/", admin.site.urls),
]
