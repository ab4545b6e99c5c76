"""Fixtures for the web pages: an app on the test store, logged-in clients and DiscourseConnect payloads."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from companion.context import Context
from companion.store import migrate
from companion.store.db import Store
from companion.web import create_app

FORUM_URL = "http://forum.test"
BASE_URL = "http://companion.test"


@pytest.fixture
def web_settings(settings):
    """Test settings with a forum and a public address for the companion."""
    return settings.replace(forum_url=FORUM_URL, base_url=BASE_URL, admin_group="companion-admins")


@pytest.fixture
def app(web_settings, store):
    """The companion web app on the test store (SQLite, and PostgreSQL when available)."""
    application = create_app(Context(settings=web_settings, store=store))
    application.config.update(TESTING=True)
    return application


@pytest.fixture
def client(app):
    """A browser-like test client of the app."""
    return app.test_client()


# --- Live servers and a real browser (reusable by other areas' browser tests) -------------------


@pytest.fixture
def sandbox_forum():
    """A seeded sandbox forum over real HTTP on a free port (small network: 40 members, 4 organisations)."""
    from sandbox.server import run_sandbox_server
    from sandbox.settings import SandboxSettings

    server = run_sandbox_server(SandboxSettings(members=40, organisations=4, seed=3))
    yield server
    server.stop()


class LiveCompanion:
    """A companion web app served over HTTP in a thread, with its context and URL."""

    def __init__(self, context, server, thread) -> None:
        self.context = context
        self.store = context.store
        self._server = server
        self._thread = thread
        self.url = context.settings.base_url

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


@pytest.fixture
def live_companion(sandbox_forum, settings, tmp_path):
    """The companion on a free loopback port, logging in through the sandbox forum, on a fresh SQLite store."""
    path = tmp_path / "live.sqlite3"
    store = Store(f"sqlite:///{path}")
    migrate.upgrade(store)
    holder: dict = {}
    server = make_server("127.0.0.1", 0, lambda environ, start: holder["app"](environ, start), threaded=True)
    base_url = f"http://127.0.0.1:{server.server_address[1]}"
    live_settings = settings.replace(
        forum_url=sandbox_forum.url,
        forum_api_key="sandbox-api-key",
        connect_secret="sandbox-connect-secret",
        base_url=base_url,
    )
    context = Context(settings=live_settings, store=store)
    holder["app"] = create_app(context)
    thread = threading.Thread(target=server.serve_forever, name="companion-web", daemon=True)
    thread.start()
    live = LiveCompanion(context, server, thread)
    yield live
    live.stop()
    store.dispose()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (skipped, or failed in CI, when it is missing)."""
    from tests.support.browser import launch_browser

    playwright, instance = launch_browser()
    yield instance
    instance.close()
    playwright.stop()


@pytest.fixture
def page(browser):
    """A fresh browser context and page (own cookies) at a phone-friendly but desktop-wide viewport."""
    context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="de-DE")
    yield context.new_page()
    context.close()


@pytest.fixture
def artifacts() -> Path:
    """The folder for screenshots (COMPANION_TEST_ARTIFACTS, default test-artifacts/)."""
    folder = Path(os.environ.get("COMPANION_TEST_ARTIFACTS", "test-artifacts")) / "web"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
