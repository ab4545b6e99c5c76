"""Fixtures for the web pages: an app on the test store, logged-in clients and DiscourseConnect payloads."""

from __future__ import annotations

import pytest

from companion.context import Context
from companion.web import create_app

FORUM_URL = "http://forum.test"
BASE_URL = "http://companion.test"
# Every area of the shell; None would mean "all modules that exist".
TEST_AREAS = None


@pytest.fixture
def web_settings(settings):
    """Test settings with a forum and a public address for the companion."""
    return settings.replace(forum_url=FORUM_URL, base_url=BASE_URL, admin_group="companion-admins")


@pytest.fixture
def app(web_settings, store):
    """The companion web app on the test store (SQLite, and PostgreSQL when available)."""
    application = create_app(Context(settings=web_settings, store=store), areas=TEST_AREAS)
    application.config.update(TESTING=True)
    return application


@pytest.fixture
def client(app):
    """A browser-like test client of the app."""
    return app.test_client()
