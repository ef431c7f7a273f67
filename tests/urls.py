"""The project's URLs plus application views behind usersync.access.decorators and a
Django REST framework view set behind usersync.contrib.drf."""

from __future__ import annotations

import asyncio

from django.http import JsonResponse
from django.urls import path
from ninja import NinjaAPI
from rest_framework import routers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from project.urls import urlpatterns as project_urlpatterns
from usersync.access.decorators import supabase_user_required
from usersync.contrib.drf.authentication import SupabaseAuthentication
from usersync.contrib.drf.permissions import HasRole
from usersync.contrib.ninja import HasRole as NinjaHasRole
from usersync.contrib.ninja import SupabaseAuth


@supabase_user_required
def whoami(request):
    return JsonResponse(request.supabase_user.as_dict())


@supabase_user_required(roles=["admin"])
def admins_only(request):
    return JsonResponse({"ok": True})


# Async views (tests/test_async_views.py): an asyncio.Event per name, made by the test
# in its event loop. /app/async/wait/<name> waits until /app/async/open/<name> sets it.
ASYNC_GATES: dict[str, asyncio.Event] = {}


@supabase_user_required
async def async_whoami(request):
    return JsonResponse(request.supabase_user.as_dict())


@supabase_user_required
async def async_wait(request, name):
    await asyncio.wait_for(ASYNC_GATES[name].wait(), timeout=10)
    return JsonResponse({"user_id": str(request.supabase_user.user_id), "waited": name})


@supabase_user_required
async def async_open(request, name):
    ASYNC_GATES[name].set()
    return JsonResponse({"user_id": str(request.supabase_user.user_id), "opened": name})


def oauth_client_of(request):
    user = request.supabase_user
    return JsonResponse({"client_id": user.client_id, "scopes": list(user.scopes)})


# Tokens of third-party OAuth clients: as the setting says, and overridden per view.
oauth_as_set = supabase_user_required(oauth_client_of)
oauth_allowed = supabase_user_required(allow_oauth_clients=True)(oauth_client_of)
oauth_refused = supabase_user_required(allow_oauth_clients=False)(oauth_client_of)


class OAuthClientsAuthentication(SupabaseAuthentication):
    allow_oauth_clients = True


class MeViewSet(viewsets.ViewSet):
    """Authentication and permission classes from settings.REST_FRAMEWORK."""

    def list(self, request):
        user = request.user
        return Response(
            {
                "user_id": str(user.user_id),
                "email": user.email,
                "role": user.role,
                "is_active": user.is_active,
                "profile_created": user.profile_created,
                "session_id": request.auth.session_id,
            }
        )

    @action(detail=False, permission_classes=[HasRole("admin")])
    def admin(self, request):
        return Response({"ok": True, "role": request.user.role})


class OAuthViewSet(viewsets.ViewSet):
    """Lets third-party OAuth clients' tokens through authentication: the permission
    classes decide, per action."""

    authentication_classes = [OAuthClientsAuthentication]

    def list(self, request):
        user = request.user
        return Response({"client_id": user.client_id, "scopes": list(user.scopes)})

    @action(detail=False, permission_classes=[HasRole("admin")])
    def admin(self, request):
        return Response({"ok": True})

    @action(detail=False, permission_classes=[HasRole("admin", allow_oauth_clients=False)])
    def own(self, request):
        return Response({"ok": True})

    @action(detail=False, permission_classes=[HasRole("admin", allow_oauth_clients=True)])
    def clients(self, request):
        return Response({"ok": True})


# django-ninja (usersync.contrib.ninja, tests/test_ninja.py): sync and async operations.
ninja_api = NinjaAPI(auth=SupabaseAuth(), urls_namespace="ninja-tests")


def _ninja_user(request) -> dict:
    return request.auth.as_dict() | {"same": request.auth is request.supabase_user}


@ninja_api.get("/me")
def ninja_me(request):
    return _ninja_user(request)


@ninja_api.get("/me-async")
async def ninja_me_async(request):
    return _ninja_user(request)


@ninja_api.get("/admin", auth=NinjaHasRole("admin"))
def ninja_admin(request):
    return _ninja_user(request)


@ninja_api.get("/admin-async", auth=NinjaHasRole("admin"))
async def ninja_admin_async(request):
    return _ninja_user(request)


@ninja_api.get("/oauth-allowed", auth=SupabaseAuth(allow_oauth_clients=True))
def ninja_oauth_allowed(request):
    return {"client_id": request.auth.client_id}


@ninja_api.get("/oauth-as-set")
def ninja_oauth_as_set(request):
    return {"client_id": request.auth.client_id}


router = routers.SimpleRouter()
router.register("drf/me", MeViewSet, basename="drf-me")
router.register("drf/oauth", OAuthViewSet, basename="drf-oauth")

urlpatterns = [
    path("app/whoami", whoami),
    path("app/admins-only", admins_only),
    path("app/async/whoami", async_whoami),
    path("app/async/wait/<str:name>", async_wait),
    path("app/async/open/<str:name>", async_open),
    path("app/oauth/as-set", oauth_as_set),
    path("app/oauth/allowed", oauth_allowed),
    path("app/oauth/refused", oauth_refused),
    *router.urls,
    path("ninja/", ninja_api.urls),
    *project_urlpatterns,
]
