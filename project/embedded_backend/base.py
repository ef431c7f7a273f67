"""PostgreSQL backend that starts the embedded server on the first connection."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.backends.postgresql import base

from project import embedded_db


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self) -> dict[str, Any]:
        try:
            server = embedded_db.ensure_running()
        except embedded_db.EmbeddedDatabaseError as error:
            raise ImproperlyConfigured(f"embedded PostgreSQL: {error}") from error
        # Recorded so that dbshell and error messages name the real address.
        self.settings_dict["HOST"] = embedded_db.HOST
        self.settings_dict["PORT"] = str(server.port)
        params = super().get_connection_params()
        params["host"] = embedded_db.HOST
        params["port"] = server.port
        return params
