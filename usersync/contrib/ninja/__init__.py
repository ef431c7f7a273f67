"""django-ninja integration (the `ninja` extra: pip install "django-usersync[ninja]").

    from ninja import NinjaAPI
    from usersync.contrib.ninja import HasRole, SupabaseAuth

    api = NinjaAPI(auth=SupabaseAuth())

    @api.get("/me")
    def me(request):
        return request.auth.as_dict()          # usersync.access.accounts.AppUser

    @api.get("/reports", auth=HasRole("admin"))
    async def reports(request): ...

Nothing else in usersync imports ninja: without the extra, this package is the only part
that cannot be imported.
"""

from __future__ import annotations

from usersync.contrib.ninja.auth import HasRole, SupabaseAuth

__all__ = ["HasRole", "SupabaseAuth"]
