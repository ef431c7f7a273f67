"""The staff admin at scale: each page as staff open it (a signed-in superuser, warm
requests through Django's test client in this process, DEBUG off), against the
one-query view (`/bench/one-query`, one `SELECT 1` through the same middleware). Pages
and anchor alternate request by request, so that drift hits both alike."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import psycopg

from bench.measure import Samples
from bench.scratch import bench_sql

ANCHOR = "/bench/one-query"
WARM_UP = 2
STAFF_USERNAME = "bench-staff"


@dataclass
class AdminPage:
    name: str
    path: str
    status: int = 0
    seconds: Samples = field(default_factory=Samples)
    anchor: Samples = field(default_factory=Samples)

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "path": self.path,
            "status": self.status,
            "seconds": self.seconds.as_dict() if self.seconds.values else None,
            "anchor_seconds": self.anchor.as_dict() if self.anchor.values else None,
        }


@dataclass
class AdminPagesResult:
    users: int
    profiles: int
    requests: int
    pages: list[AdminPage] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "users": self.users,
            "profiles": self.profiles,
            "requests_per_page": self.requests,
            "pages": [p.as_dict() for p in self.pages],
        }


def pages(conn: psycopg.Connection) -> tuple[int, int, list[AdminPage]]:
    from usersync.admin.profiles import UserProfileAdmin

    row = conn.execute(bench_sql("admin_page_targets")).fetchone()
    user_id, email, _, users, profiles = row
    per_page = UserProfileAdmin.list_per_page
    last = max(1, -(-profiles // per_page))
    profile_list = "/admin/usersync/userprofile/"
    return (
        users,
        profiles,
        [
            AdminPage("admin index (the sync status panel)", "/admin/"),
            AdminPage("profile list, first page", profile_list),
            AdminPage("profile list, page 500", f"{profile_list}?p={min(500, last)}"),
            AdminPage(
                f"profile list, a deep page ({last // 2:,} of {last:,})",
                f"{profile_list}?p={max(1, last // 2)}",
            ),
            AdminPage("profile list, search by exact e-mail", f"{profile_list}?q={email}"),
            AdminPage(
                'profile list, search "as77777" (part of an e-mail)', f"{profile_list}?q=as77777"
            ),
            AdminPage("users without a profile", "/admin/usersync/userwithoutprofile/"),
            AdminPage("per-user page", f"{profile_list}person/{user_id}/"),
            AdminPage("staff health report", "/admin/users/health-check"),
        ],
    )


def _get(client, path: str) -> tuple[float, int]:
    start = time.perf_counter()
    response = client.get(path)
    return time.perf_counter() - start, response.status_code


def run(conn: psycopg.Connection, requests: int) -> AdminPagesResult:
    from django.contrib.auth import get_user_model
    from django.test import Client, override_settings

    users, profiles, measured = pages(conn)
    result = AdminPagesResult(users=users, profiles=profiles, requests=requests, pages=measured)
    with override_settings(
        DEBUG=False,
        ROOT_URLCONF="bench.health_urls",
        ALLOWED_HOSTS=["*"],
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ):
        model = get_user_model()
        staff = model.objects.filter(username=STAFF_USERNAME).first()
        if staff is None:
            staff = model.objects.create_superuser(STAFF_USERNAME, "staff@example.com", None)
        client = Client()
        client.force_login(staff)
        for page in measured:
            for _ in range(WARM_UP):
                _, page.status = _get(client, page.path)
                _get(client, ANCHOR)
            for request in range(requests):
                order = (page.path, ANCHOR) if request % 2 == 0 else (ANCHOR, page.path)
                for path in order:
                    seconds, status = _get(client, path)
                    if path == ANCHOR:
                        page.anchor.add(seconds)
                    else:
                        page.seconds.add(seconds)
                        page.status = status
    return result
