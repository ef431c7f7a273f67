"""A Content-Security-Policy on the admin's pages and the API's answers."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/admin/login/", "/health", "/api/users/"])
def test_responses__carry_a_content_security_policy(client, url):
    policy = client.get(url).headers.get("Content-Security-Policy", "")
    parts = [part.strip().split(" ", 1) for part in policy.split(";") if part.strip()]
    directives = {part[0]: part[1] if len(part) > 1 else "" for part in parts}
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
