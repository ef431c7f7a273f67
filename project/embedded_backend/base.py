"""PostgreSQL backend that starts the embedded server on the first connection."""

from __future__ import annotations

from typing import Any

from django.db.backends.postgresql import base
from django.db.utils import OperationalError

from project import embedded_db


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self) -> dict[str, Any]:
        try:
            server = embedded_db.ensure_running()
        except embedded_db.EmbeddedDatabaseError as error:
            # An OperationalError, like any other unreachable database.
            raise OperationalError(f"embedded PostgreSQL failed: {error}") from error
        # Recorded so that dbshell and error messages name the real address.
        self.settings_dict["HOST"] = embedded_db.HOST
        self.settings_dict["PORT"] = str(server.port)
        params = super().get_connection_params()
        params["host"] = embedded_db.HOST
        params["port"] = server.port
        return params
