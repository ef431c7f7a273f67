"""JSON over HTTP for usersync's views: one error shape, bounded request bodies, query
parameters checked with a 400 that names the field. Bad input is never a 500."""

from __future__ import annotations

import functools
import json
import logging
import math
import uuid
from collections.abc import Callable
from typing import Any

from asgiref.sync import iscoroutinefunction
from django.http import HttpRequest, HttpResponse, JsonResponse

from usersync.errors import (
    ActorNotAllowed,
    BadInput,
    DatabasePermissionDenied,
    DatabaseUnavailable,
    InvalidToken,
    LastActiveAdmin,
    LeaseLost,
    Misconfigured,
    NoProfile,
    NotMigrated,
    OwnProfile,
    ProfileExists,
    QuotaExceeded,
    SyncAlreadyRunning,
    UnexpectedDatabaseError,
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
    (QuotaExceeded, 429),
    (BadInput, 400),
    (DatabaseUnavailable, 503),
    (NotMigrated, 503),
    (Misconfigured, 503),
    (DatabasePermissionDenied, 503),
]
# Their text names the database's host, port and name, or quotes it: the caller gets a
# generic message, the server log the detail.
DATABASE_ERRORS = (
    DatabaseUnavailable,
    NotMigrated,
    DatabasePermissionDenied,
    UnexpectedDatabaseError,
)
UNAVAILABLE = "the service cannot reach its database right now; try again later"
MISCONFIGURED = "the service cannot use its database; the server log has the reason"

logger = logging.getLogger("usersync")


# Deeper JSON is refused: nothing usersync stores needs more, and the parser, the checks
# and the database driver all recurse.
MAX_JSON_DEPTH = 32


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
        if isinstance(error, DATABASE_ERRORS):
            logger.error("usersync: %s", error)
            generic = UNAVAILABLE if isinstance(error, DatabaseUnavailable) else MISCONFIGURED
            return HttpError(status, generic)
        if isinstance(error, QuotaExceeded):
            return HttpError(status, str(error), headers={"Retry-After": str(error.retry_after)})
        return HttpError(status, str(error), getattr(error, "field", None))
    raise error


def json_errors(view: Callable[..., Any]) -> Callable[..., Any]:
    """Render HttpError, token errors and UsersyncError as {"error": ..., "field": ...}.
    An `async def` view stays one."""
    if iscoroutinefunction(view):

        @functools.wraps(view)
        async def async_wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                return await view(request, *args, **kwargs)
            except (HttpError, InvalidToken, VerificationUnavailable, UsersyncError) as error:
                http = as_http_error(error)
                return error_response(http.status, http.message, http.field, http.headers)

        return async_wrapper

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except (HttpError, InvalidToken, VerificationUnavailable, UsersyncError) as error:
            http = as_http_error(error)
            return error_response(http.status, http.message, http.field, http.headers)

    return wrapper


def _refuse_constant(name: str) -> Any:
    # JSON has no NaN or Infinity; Python's json reads them, PostgreSQL refuses them.
    raise HttpError(400, f"the request body holds {name}, which JSON does not allow")


# Longest integer read from a request body. Python refuses more than 4,300 digits anyway
# (a ValueError no field could be named in); nothing usersync stores needs 20.
MAX_INTEGER_DIGITS = 100


class _UnstorableNumber:
    """A number of the request body that PostgreSQL could not store (an infinity from
    1e999, an integer of thousands of digits): check_json_values names its field."""

    def __init__(self, text: str):
        self.text = text


def _read_float(text: str) -> float | _UnstorableNumber:
    value = float(text)
    return value if math.isfinite(value) else _UnstorableNumber(text)


def _read_int(text: str) -> int | _UnstorableNumber:
    if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:
        return _UnstorableNumber(text)
    return int(text)


def _text_problem(text: str) -> str | None:
    if "\x00" in text:
        return "contains a NUL character"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "contains an unpaired surrogate (not valid Unicode)"
    return None


def check_json_values(data: Any, max_depth: int = MAX_JSON_DEPTH) -> None:
    """400 naming the top-level field whose text PostgreSQL cannot store (a NUL, an
    unpaired surrogate), or when the value nests deeper than max_depth. Iterative, so
    any depth is safe."""
    stack: list[tuple[Any, str | None, int]] = [(data, None, 0)]
    while stack:
        value, field, depth = stack.pop()
        if depth > max_depth:
            raise HttpError(400, f"the JSON nests deeper than {max_depth} levels", field)
        if isinstance(value, str):
            if problem := _text_problem(value):
                shown = (field or "the request body")[:60].encode("utf-8", "replace").decode()
                raise HttpError(400, f"{shown} {problem}", field)
        elif isinstance(value, _UnstorableNumber):
            shown = (field or "the request body")[:60].encode("utf-8", "replace").decode()
            raise HttpError(
                400,
                f"{shown} holds the number {value.text[:20]}{'…' if len(value.text) > 20 else ''},"
                f" which is too large to store",
                field,
            )
        elif isinstance(value, dict):
            for key, item in value.items():
                stack.append((key, field or key, depth + 1))
                stack.append((item, field or key, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, field, depth + 1) for item in value)


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
        data = json.loads(
            body, parse_constant=_refuse_constant, parse_float=_read_float, parse_int=_read_int
        )
    except (ValueError, UnicodeDecodeError):
        raise HttpError(400, "the request body is not valid JSON") from None
    except RecursionError:
        raise HttpError(400, f"the JSON nests deeper than {MAX_JSON_DEPTH} levels") from None
    if not isinstance(data, dict):
        raise HttpError(400, "the request body must be a JSON object")
    check_json_values(data)
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
            try:
                check_json_values(dict(request.GET.items()))
            except HttpError as error:
                return error_response(error.status, error.message, error.field)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
