"""Starting Debian's Chromium through Playwright for the browser tests."""

from __future__ import annotations

import os

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def skip_or_fail(reason: str) -> None:
    """The rule of tests/conftest.py: skip locally, fail in CI (COMPANION_TEST_STRICT=1)."""
    if os.environ.get("COMPANION_TEST_STRICT") == "1":
        pytest.fail(f"CI must run this test, but: {reason}")
    pytest.skip(reason)


def launch_browser():
    """Return (playwright, browser), or skip/fail through skip_or_fail when Chromium is not installed."""
    if not os.path.exists(CHROMIUM):
        skip_or_fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    return playwright, browser


def sandbox_people(sandbox_forum):
    """Ordinary members (active, not staff) and the first admin of the sandbox forum."""
    users = [u for u in sandbox_forum.state.users.values() if u.id > 0 and not u.staged and u.suspended_till is None]
    ordinary = [u for u in users if not u.admin and not u.moderator]
    admin = next(u for u in users if u.admin)
    return ordinary, admin


def log_in(page, live, username: str, next_path: str = "/") -> None:
    """Log in to the live companion through the sandbox forum's DiscourseConnect page as `username`."""
    import re

    page.goto(f"{live.url}/login?next={next_path}")
    page.get_by_role("link", name=re.compile(rf"@{re.escape(username)}\)")).click()
    page.wait_for_url(re.compile(re.escape(live.url) + ".*"))


def give_consent(page, live, matching: bool = True, circles: bool = False) -> None:
    """Save the member's consent choices on the profile page."""
    page.goto(live.url + "/profile")
    for kind, wanted in (("matching", matching), ("circles", circles)):
        box = page.locator(f"#consent-{kind}")
        box.check() if wanted else box.uncheck()
    page.get_by_role("button", name="Zustimmung speichern").click()
    page.get_by_text("Deine Zustimmung wurde gespeichert.").wait_for()
