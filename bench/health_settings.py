"""The project's settings with one extra URL for the health benchmark's baseline."""

from project.settings import *  # noqa: F403

ROOT_URLCONF = "bench.health_urls"
# Static files from the apps' folders: the benchmark runs no collectstatic, and the
# manifest storage of production settings would answer 500 for the admin's pages.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
