"""JSON over HTTP for usersync's views: one error shape, bounded request bodies, query
parameters checked with a 400 that names the field. Bad input is never a 500."""

from __future__ import annotations

import functools
import json
import uuid
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

from usersync.errors import (
    ActorNotAllowed,
    BadInput,
    DatabasePermissionDenied,
    DatabaseUnavailable,
    InvalidToken,
    LastActiveAdmin,
    LeaseLost,
    NoProfile,
    NotMigrated,
    OwnProfile,
    ProfileExists,
    SyncAlreadyRunning,
    UnknownUser,
    UsersyncError,
    VerificationUnavailable,
)

# Most specific first.
STATUS_OF_ERROR: list[tuple[type[UsersyncError], int]] = [
    (UnknownUser, 404),
    (ProfileExists, 409),
    (NoProfile, 409),
    (LastActiveAdmin, 409),
    (OwnProfile, 409),
    (ActorNotAllowed, 403),
    (SyncAlreadyRunning, 409),
    (LeaseLost, 409),
    (BadInput, 400),
    (DatabaseUnavailable, 503),
    (NotMigrated, 503),
    (DatabasePermissionDenied, 503),
]


class HttpError(Exception):
    def __init__(
        self,
        status: int,
        message: str,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field
        self.headers = headers or {}


def error_response(
    status: int, message: str, field: str | None = None, headers: dict[str, str] | None = None
) -> JsonResponse:
    body: dict[str, Any] = {"error": message}
    if field is not None:
        body["field"] = field
    response = JsonResponse(body, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def unauthorized(reason: str) -> HttpError:
    quoted = reason.replace('"', "'")
    return HttpError(
        401,
        reason,
        headers={
            "WWW-Authenticate": f'Bearer realm="usersync", error="invalid_token", '
            f'error_description="{quoted}"'
        },
    )


def as_http_error(error: Exception) -> HttpError:
    if isinstance(error, HttpError):
        return error
    if isinstance(error, InvalidToken):
        return unauthorized(str(error))
    if isinstance(error, VerificationUnavailable):
        return HttpError(503, str(error))
    if isinstance(error, UsersyncError):
        status = next((s for kind, s in STATUS_OF_ERROR if isinstance(error, kind)), 500)
        return HttpError(status, str(error), getattr(error, "field", None))
    raise error


def json_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Render HttpError, token errors and UsersyncError as {"error": ..., "field": ...}."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except (HttpError, InvalidToken, VerificationUnavailable, UsersyncError) as error:
            http = as_http_error(error)
            return error_response(http.status, http.message, http.field, http.headers)

    return wrapper


def _field_with_nul(data: Any, field: str | None = None) -> str | None:
    """The top-level field holding a NUL character anywhere (PostgreSQL stores none)."""
    if isinstance(data, str):
        return field if "\x00" in data else None
    if isinstance(data, dict):
        for key, value in data.items():
            found = _field_with_nul(key, field or key) or _field_with_nul(value, field or key)
            if found:
                return found
    if isinstance(data, list):
        return next((f for item in data if (f := _field_with_nul(item, field))), None)
    return None


def read_json(request: HttpRequest, max_bytes: int = 65_536) -> dict[str, Any]:
    """The request's JSON object; 413 past max_bytes (read no further), 415 when it is
    not declared as application/json, 400 otherwise."""
    try:
        declared = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        raise HttpError(400, "Content-Length is not a number") from None
    if declared > max_bytes:
        raise HttpError(413, f"the request body is larger than {max_bytes} bytes")
    body = request.read(max_bytes + 1)
    if len(body) > max_bytes:
        raise HttpError(413, f"the request body is larger than {max_bytes} bytes")
    if not body.strip():
        return {}
    if request.content_type != "application/json":
        raise HttpError(
            415, f"send the body as application/json, not {request.content_type or 'nothing'}"
        )
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise HttpError(400, "the request body is not valid JSON") from None
    if not isinstance(data, dict):
        raise HttpError(400, "the request body must be a JSON object")
    if field := _field_with_nul(data):
        raise HttpError(400, f"{field[:60]} contains a NUL character", field)
    return data


def refuse_unknown_fields(data: dict[str, Any], allowed: set[str]) -> None:
    for name in data:
        if name not in allowed:
            raise HttpError(
                400, f"unknown field {name[:60]!r}; allowed: {', '.join(sorted(allowed))}", name
            )


def field_bool(data: dict[str, Any], name: str, default: bool | None = None) -> bool | None:
    value = data.get(name)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise HttpError(400, f"{name} must be true or false", name)
    return value


def field_str(data: dict[str, Any], name: str) -> str | None:
    value = data.get(name)
    if value is not None and not isinstance(value, str):
        raise HttpError(400, f"{name} must be a string", name)
    return value


def param_bool(request: HttpRequest, name: str) -> bool | None:
    value = request.GET.get(name)
    if value is None or value == "":
        return None
    lowered = value.lower()
    if lowered in {"true", "1", "yes"}:
        return True
    if lowered in {"false", "0", "no"}:
        return False
    raise HttpError(400, f"{name} must be true or false", name)


def param_int(request: HttpRequest, name: str, default: int, low: int, high: int) -> int:
    value = request.GET.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise HttpError(400, f"{name} must be a whole number", name) from None
    if not low <= number <= high:
        raise HttpError(400, f"{name} must be between {low} and {high}", name)
    return number


def param_uuid(value: str | None, name: str) -> uuid.UUID | None:
    if value is None or value == "":
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        raise HttpError(400, f"{name} is not a user id (a UUID)", name) from None


def json_methods(*methods: str) -> Callable[[Callable[..., HttpResponse]], Callable]:
    """405 as JSON, with Allow, for any other method."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in methods:
                return error_response(
                    405,
                    f"method {request.method} not allowed",
                    headers={"Allow": ", ".join(methods)},
                )
            if field := _field_with_nul(dict(request.GET.items())):
                return error_response(400, f"{field[:60]} contains a NUL character", field)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
