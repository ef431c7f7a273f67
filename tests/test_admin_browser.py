"""End to end in a real browser: Debian's chromium, driven by Playwright, against the
live admin. A staff member logs in, filters, deactivates a user with a reason and finds
the audit entry."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, expect, sync_playwright

from usersync.models import AdminAuditLog, UserProfile

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextlib.contextmanager
def chromium() -> Iterator[Browser]:
    """Playwright's sync API runs an event loop in this thread, where Django refuses
    database access: touch the database only outside this block."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium); "
            f"scripts/test.sh does so when run as root"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_admin_in_a_browser__deactivate_a_user_with_a_reason_and_see_the_audit_entry(
    live_server, auth_user_factory
):
    User.objects.create_superuser("stella", "stella@example.com", "s3cret-pass")
    stella = auth_user_factory(email="stella@example.com")
    UserProfile.objects.filter(user_id=stella.pk).update(role="admin")
    mallory = auth_user_factory(email="mallory@example.com", provider="google")
    auth_user_factory(email="mallory.other@example.com")
    admin = f"{live_server.url}/admin/"

    with chromium() as browser:
        page = browser.new_page()
        page.goto(f"{admin}login/")
        page.fill("#id_username", "stella")
        page.fill("#id_password", "s3cret-pass")
        page.click("input[type=submit]")
        expect(page.locator("#sync-status")).to_contain_text("Sync percentage")

        page.goto(f"{admin}usersync/userprofile/")
        page.get_by_role("link", name="google").click()  # the SSO provider filter
        expect(page.locator("#result_list tbody tr")).to_have_count(1)
        row = page.locator("#result_list tbody tr", has_text="mallory@example.com")
        row.locator("input.action-select").check()
        page.select_option("select[name=action]", "deactivate_selected")
        page.click("button[name=index]")

        expect(page.locator("h1")).to_have_text("Deactivate user profiles")
        expect(page.locator("#content")).to_contain_text("mallory@example.com")
        page.fill("textarea[name=reason]", "chargeback fraud")
        page.click("input[type=submit][value=Deactivate]")
        expect(page.locator("ul.messagelist")).to_have_text("Deactivated 1: mallory@example.com")

        page.goto(f"{admin}usersync/adminauditlog/?action=deactivated")
        entry = page.locator("#result_list tbody tr")
        expect(entry).to_have_count(1)
        expect(entry).to_contain_text("admin:stella")
        expect(entry).to_contain_text(str(mallory.pk))
        expect(entry).to_contain_text("chargeback fraud")

    profile = UserProfile.objects.get(user_id=mallory.pk)
    assert (profile.is_active, profile.deactivated_by_id, profile.deactivation_reason) == (
        False,
        stella.pk,
        "chargeback fraud",
    )
    assert AdminAuditLog.objects.get().actor_user_id == stella.pk
