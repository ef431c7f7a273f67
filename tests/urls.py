"""The project's URLs plus application views behind usersync.access.decorators and a
Django REST framework view set behind usersync.contrib.drf."""

from __future__ import annotations

from django.http import JsonResponse
from django.urls import path
from rest_framework import routers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from project.urls import urlpatterns as project_urlpatterns
from usersync.access.decorators import supabase_user_required
from usersync.contrib.drf.permissions import HasRole


@supabase_user_required
def whoami(request):
    return JsonResponse(request.supabase_user.as_dict())


@supabase_user_required(roles=["admin"])
def admins_only(request):
    return JsonResponse({"ok": True})


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


router = routers.SimpleRouter()
router.register("drf/me", MeViewSet, basename="drf-me")

urlpatterns = [
    path("app/whoami", whoami),
    path("app/admins-only", admins_only),
    *router.urls,
    *project_urlpatterns,
]
