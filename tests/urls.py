"""The project's URLs plus an application view behind usersync.access.decorators."""

from __future__ import annotations

from django.http import JsonResponse
from django.urls import path

from project.urls import urlpatterns as project_urlpatterns
from usersync.access.decorators import supabase_user_required


@supabase_user_required
def whoami(request):
    return JsonResponse(request.supabase_user.as_dict())


@supabase_user_required(roles=["admin"])
def admins_only(request):
    return JsonResponse({"ok": True})


urlpatterns = [
    path("app/whoami", whoami),
    path("app/admins-only", admins_only),
    *project_urlpatterns,
]
