"""The project's settings with one extra URL for the health benchmark's baseline."""

from project.settings import *  # noqa: F403

ROOT_URLCONF = "bench.health_urls"
