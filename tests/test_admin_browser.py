"""End to end in a real browser: Debian's chromium, driven by Playwright, against the
live admin. A staff member logs in, filters, deactivates a user with a reason and finds
the audit entry."""

from __future__ import annotations

import contextlib
import csv
import io
import os
import tempfile
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

# How many lines each element's text takes on screen.
LINES_OF_TEXT = """els => els.map(el => {
    const range = document.createRange();
    range.selectNodeContents(el);
    return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
})"""


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
        # Each label of the status panel stays on one line (never "Sync percentag e"),
        # even where long values crowd the panel.
        page.add_style_tag(content="#sync-status { width: 220px; }")
        lines = page.locator("#sync-status th").evaluate_all(LINES_OF_TEXT)
        assert lines and set(lines) == {1}, lines

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
        expect(page.locator("ul.messagelist li").first).to_have_text(
            "Deactivated 1: mallory@example.com"
        )

        page.goto(f"{admin}usersync/adminauditlog/?action__exact=deactivated")
        entry = page.locator("#result_list tbody tr")
        expect(entry).to_have_count(1)
        expect(entry).to_contain_text("admin:stella")
        expect(entry).to_contain_text("Deactivated")
        expect(entry.get_by_role("link", name="mallory@example.com")).to_have_attribute(
            "href", f"/admin/usersync/userprofile/person/{mallory.pk}/"
        )
        expect(entry).to_contain_text("chargeback fraud")

    profile = UserProfile.objects.get(user_id=mallory.pk)
    assert (profile.is_active, profile.deactivated_by_id, profile.deactivation_reason) == (
        False,
        stella.pk,
        "chargeback fraud",
    )
    assert AdminAuditLog.objects.get().actor_user_id == stella.pk


def screenshot_dir() -> Path:
    """USERSYNC_SHOTS (e.g. /tmp/usersync-shots) keeps them; else a fresh temp folder."""
    folder = Path(os.environ.get("USERSYNC_SHOTS") or tempfile.mkdtemp(prefix="usersync-shots-"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def log_in(page, admin: str) -> None:
    page.goto(f"{admin}login/")
    page.fill("#id_username", "stella")
    page.fill("#id_password", "s3cret-pass")
    page.click("input[type=submit]")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_admin_in_a_browser__person_page_buttons_bulk_role_and_export(
    live_server, auth_user_factory
):
    User.objects.create_superuser("stella", "stella@example.com", "s3cret-pass")
    stella = auth_user_factory(email="stella@example.com")
    UserProfile.objects.filter(user_id=stella.pk).update(role="admin")
    mallory = auth_user_factory(email="mallory@example.com", provider="google")
    bob = auth_user_factory(email="bob@example.com")
    for number in range(30):
        auth_user_factory(email=f"a.rather.long.address.{number}@subdomain.example.com")
    mallory_profile = UserProfile.objects.get(user_id=mallory.pk).pk
    admin = f"{live_server.url}/admin/"
    shots = screenshot_dir()

    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1366, "height": 768}, accept_downloads=True)
        log_in(page, admin)

        # The list fits a 1,366 px screen.
        page.goto(f"{admin}usersync/userprofile/")
        expect(page.locator("#result_list")).to_contain_text("mallory@example.com")
        page.screenshot(path=str(shots / "profile-list-1366.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
        # Django scrolls a too-wide result table inside its own box: that must not either.
        results = page.locator("#changelist .results")
        assert results.evaluate("el => el.scrollWidth <= el.clientWidth")
        expect(page.locator("#result_list thead")).to_contain_text("last sign-in", ignore_case=True)

        # The profile page's Deactivate button, its confirmation, then the person page.
        page.goto(f"{admin}usersync/userprofile/{mallory_profile}/change/")
        expect(page.locator("#content > h2")).to_have_text("mallory@example.com")
        page.click("#deactivate-button")
        expect(page.locator("#content")).to_contain_text("Deactivate this profile?")
        page.fill("textarea[name=reason]", "chargeback fraud")
        page.click("input[type=submit][value=Deactivate]")
        # Back on the per-user page, which says the profile is now inactive.
        expect(page.locator("ul.messagelist")).to_contain_text("Deactivated 1: mallory@example.com")
        expect(page.locator("h1")).to_have_text("mallory@example.com")
        expect(page.locator("#verdict")).to_contain_text("Locked out: profile deactivated on")
        expect(page.locator("#verdict")).to_contain_text("by stella@example.com — chargeback fraud")
        expect(page.locator("#audit-history")).to_contain_text("Deactivated")
        page.screenshot(path=str(shots / "person-page.png"), full_page=True)

        # Reactivate from the verdict, with a reason.
        page.locator("#verdict a", has_text="Reactivate").click()
        page.fill("textarea[name=reason]", "appeal accepted")
        page.click("input[type=submit][value=Reactivate]")
        expect(page.locator("ul.messagelist")).to_contain_text("Reactivated 1: mallory@example.com")

        # A bulk role change from the list.
        page.goto(f"{admin}usersync/userprofile/?q=bob%40example.com")
        page.locator("#result_list tbody tr input.action-select").check()
        page.select_option("select[name=action]", "change_role_selected")
        page.click("button[name=index]")
        expect(page.locator("#content")).to_contain_text("Change the role of this profile?")
        page.select_option("select[name=role]", "admin")
        page.fill("textarea[name=reason]", "on call")
        page.click("input[type=submit][value='Change the role']")
        expect(page.locator("ul.messagelist")).to_contain_text(
            "Gave the role admin to 1: bob@example.com"
        )

        # The audit log names the users and exports as CSV.
        page.goto(f"{admin}usersync/adminauditlog/")
        expect(page.locator("#result_list")).to_contain_text("Role changed")
        page.locator("#result_list a", has_text="bob@example.com").first.click()
        expect(page.locator("h1")).to_have_text("bob@example.com")
        page.goto(f"{admin}usersync/adminauditlog/")
        with page.expect_download() as download:
            page.click("#export-csv")
        exported = Path(download.value.path()).read_text()

    rows = list(csv.DictReader(io.StringIO(exported)))
    assert [(r["action"], r["target_email"]) for r in rows] == [
        ("role_changed", "bob@example.com"),
        ("reactivated", "mallory@example.com"),
        ("deactivated", "mallory@example.com"),
    ]
    assert UserProfile.objects.get(user_id=bob.pk).role == "admin"


NO_HORIZONTAL_SCROLL = "document.documentElement.scrollWidth <= innerWidth"
OVERLAP = """([a, b]) => {
    const r = document.querySelector(a).getBoundingClientRect();
    const s = document.querySelector(b).getBoundingClientRect();
    return !(r.right <= s.left || s.right <= r.left || r.bottom <= s.top || s.bottom <= r.top);
}"""


@pytest.mark.slow
@pytest.mark.every_django
@pytest.mark.django_db(transaction=True)
def test_admin_in_a_browser__pages_fit_and_the_status_never_meets_recent_actions(
    live_server, auth_user_factory
):
    import django

    User.objects.create_superuser("stella", "stella@example.com", "s3cret-pass")
    stella = auth_user_factory(email="stella@example.com")
    UserProfile.objects.filter(user_id=stella.pk).update(role="admin")
    bob = auth_user_factory(email="a.rather.long.address.of.bob@subdomain.example.com")
    auth_user_factory(with_profile=False)
    bob_profile = UserProfile.objects.get(user_id=bob.pk).pk
    admin = f"{live_server.url}/admin/"
    shots = screenshot_dir()
    version = f"django{django.VERSION[0]}.{django.VERSION[1]}"

    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        log_in(page, admin)
        # A change, so that Recent actions has an entry beside the status.
        page.goto(f"{admin}usersync/userprofile/{bob_profile}/change/")
        page.click("#deactivate-button")
        page.fill("textarea[name=reason]", "spam")
        page.click("input[type=submit][value=Deactivate]")
        for width in (1024, 1366, 1920):
            page.set_viewport_size({"width": width, "height": 768})
            page.goto(admin)
            expect(page.locator("#sync-status")).to_contain_text("Sync percentage")
            expect(page.locator("#recent-actions-module")).to_contain_text("a.rather.long")
            page.screenshot(path=str(shots / f"index-{width}-{version}.png"), full_page=True)
            for status in ("#sync-status", "#sync-status table", "#sync-status tr:first-child"):
                assert not page.evaluate(OVERLAP, [status, "#recent-actions-module"]), width
            assert page.evaluate(NO_HORIZONTAL_SCROLL), width

        page.set_viewport_size({"width": 1366, "height": 768})
        pages = {
            "index": admin,
            "profile-list": f"{admin}usersync/userprofile/",
            "per-user": f"{admin}usersync/userprofile/person/{bob.pk}/",
            "confirm-reactivate": f"{admin}usersync/userprofile/{bob_profile}/reactivate/",
            "missing-list": f"{admin}usersync/userwithoutprofile/",
            "sync-preview": f"{admin}usersync/userwithoutprofile/sync/",
        }
        for name, url in pages.items():
            page.goto(url)
            page.screenshot(path=str(shots / f"{name}-1366-{version}.png"), full_page=True)
            assert page.evaluate(NO_HORIZONTAL_SCROLL), name
