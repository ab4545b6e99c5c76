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
