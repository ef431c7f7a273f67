from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "usersync administration"
admin.site.site_title = "usersync admin"
admin.site.index_title = "Users and profiles"
admin.site.site_url = None  # this demo has no public site: no "View site" link

urlpatterns = [
    # First: usersync's /admin/users/health-check sits inside admin/'s prefix.
    path("", include("usersync.urls")),
    path("admin/", admin.site.urls),
]
