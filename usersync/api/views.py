"""The user-management API (JSON), for Supabase admins, and POST /api/chat-errors for
any signed-in user. Thin: parse and check the request, call usersync, render.

Bearer tokens only (no cookies), so the views are exempt from CSRF checks.
"""

from __future__ import annotations

import contextlib
import uuid
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from usersync import sync as sync_engine
from usersync.access.decorators import supabase_user_required
from usersync.access.permissions import admin_required, api_actor
from usersync.api import directory
from usersync.conf import conf
from usersync.db.connection import atomic
from usersync.errors import NothingToChange
from usersync.http import (
    HttpError,
    field_bool,
    field_str,
    json_methods,
    param_bool,
    param_int,
    param_uuid,
    read_json,
    refuse_unknown_fields,
)
from usersync.logs import quota
from usersync.roles import check_role
from usersync.staff import changes as staff_changes
from usersync.sync import profiles


def _user_id(value: str) -> uuid.UUID:
    user_id = param_uuid(value, "user_id")
    assert user_id is not None  # the URL pattern never matches an empty id
    return user_id


def _role(value: str | None) -> str | None:
    return None if value is None else check_role(value)


def _detail(user_id: uuid.UUID) -> dict:
    user = directory.get_user(user_id)
    if user is None:
        raise HttpError(404, f"no auth user with id {user_id}")
    return user.as_dict()


@csrf_exempt
@never_cache
@json_methods("GET")
@admin_required
def users(request: HttpRequest) -> HttpResponse:
    """GET /api/users/?role=&active=&missing_profile=&search=&limit=&after="""
    search = request.GET.get("search") or None
    if search is not None and len(search) > directory.SEARCH_MAX_LENGTH:
        raise HttpError(
            400, f"search is longer than {directory.SEARCH_MAX_LENGTH} characters", "search"
        )
    filters = directory.UserFilters(
        role=_role(request.GET.get("role") or None),
        active=param_bool(request, "active"),
        missing_profile=param_bool(request, "missing_profile"),
        email_contains=search,
    )
    limit = param_int(
        request, "limit", directory.DEFAULT_PAGE_SIZE, low=1, high=directory.MAX_PAGE_SIZE
    )
    after = param_uuid(request.GET.get("after"), "after")
    page = directory.list_users(filters, after, limit)
    body = page.as_dict()
    body["next"] = None
    if page.next_after:
        query = {k: v for k, v in request.GET.items() if k != "after"}
        body["next"] = f"{request.path}?{urlencode(query | {'after': str(page.next_after)})}"
    return JsonResponse(body)


@csrf_exempt
@never_cache
@json_methods("GET", "PATCH")
@admin_required
def user(request: HttpRequest, user_id: str) -> HttpResponse:
    """GET /api/users/<id>/; PATCH {"role": R, "is_active": B, "reason": "..."}."""
    uid = _user_id(user_id)
    if request.method == "GET":
        return JsonResponse({"user": _detail(uid)})
    data = read_json(request)
    refuse_unknown_fields(data, {"role", "is_active", "reason"})
    role = _role(field_str(data, "role"))
    is_active = field_bool(data, "is_active")
    reason = field_str(data, "reason")
    if role is None and is_active is None:
        raise HttpError(400, "nothing to change: give role and/or is_active")
    actor = api_actor(request)
    wanted = []
    if is_active is True:
        wanted.append((staff_changes.reactivate, (uid, actor, reason)))
    if role is not None:
        wanted.append((staff_changes.change_role, (uid, role, actor, reason)))
    if is_active is False:
        wanted.append((staff_changes.deactivate, (uid, actor, reason)))
    changes = []
    with atomic():  # both changes or neither
        for action, arguments in wanted:
            # PATCH is idempotent: asking for the state the user is in changes nothing.
            with contextlib.suppress(NothingToChange):
                changes.append(action(*arguments))
    return JsonResponse({"user": _detail(uid), "changes": [c.as_dict() for c in changes]})


@csrf_exempt
@json_methods("POST")
@admin_required
def create_profile(request: HttpRequest, user_id: str) -> HttpResponse:
    """POST /api/users/<id>/profile {"role": R, "is_active": B}: 201, or 409 if it exists."""
    uid = _user_id(user_id)
    data = read_json(request)
    refuse_unknown_fields(data, {"role", "is_active"})
    role = _role(field_str(data, "role"))
    active = field_bool(data, "is_active", default=True)
    profile = profiles.create_profile(uid, role=role, active=active, actor=api_actor(request))
    return JsonResponse({"profile": profile.as_dict()}, status=201)


@csrf_exempt
@json_methods("POST")
@admin_required
def sync(request: HttpRequest) -> HttpResponse:
    """POST /api/sync {"dry_run": B}: a preserve-mode sync (never --no-preserve here)."""
    data = read_json(request)
    refuse_unknown_fields(data, {"dry_run"})
    dry_run = field_bool(data, "dry_run", default=False)
    result = sync_engine.plan() if dry_run else staff_changes.run_sync(api_actor(request))
    return JsonResponse(result.as_dict())


@csrf_exempt
@json_methods("POST")
@supabase_user_required
def chat_errors(request: HttpRequest) -> HttpResponse:
    """POST /api/chat-errors {"error_type", "message", "context"}: the caller's own,
    within their quota (429 with Retry-After past it)."""
    data = read_json(request, conf.CHAT_ERROR_MAX_BYTES)
    refuse_unknown_fields(data, {"error_type", "message", "context", "user_id"})
    own = request.supabase_user.user_id
    claimed = data.get("user_id")
    if claimed is not None and param_uuid(str(claimed), "user_id") != own:
        raise HttpError(403, "you can record only your own errors", "user_id")
    entry = quota.record_within_quota(
        own, data.get("error_type"), data.get("message"), data.get("context")
    )
    return JsonResponse({"id": entry.id, "created_at": entry.created_at.isoformat()}, status=201)
