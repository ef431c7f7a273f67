"""Django REST framework integration (the `drf` extra: pip install "django-usersync[drf]").

    REST_FRAMEWORK = {
        "DEFAULT_AUTHENTICATION_CLASSES": [
            "usersync.contrib.drf.authentication.SupabaseAuthentication",
        ],
        "DEFAULT_PERMISSION_CLASSES": ["usersync.contrib.drf.permissions.IsActiveProfile"],
    }

    class ReportViewSet(viewsets.ViewSet):
        permission_classes = [HasRole("admin")]

Nothing else in usersync imports rest_framework: without the extra, this package is the
only part that cannot be imported.
"""
