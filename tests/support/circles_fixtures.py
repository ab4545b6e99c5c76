"""Fixtures of the circle service tests: a stored open season."""

from __future__ import annotations

import pytest

from companion.circles.seasons import create_season
from tests.support.circles import spec


@pytest.fixture
def season_id(store):
    """A stored, open season's id."""
    with store.transaction() as session:
        return create_season(session, spec(), actor="admin").id


@pytest.fixture
def web_app(settings, store):
    """The companion web app on the test store, as the web colleague's fixtures build it."""
    from companion.context import Context
    from companion.web import create_app

    web_settings = settings.replace(forum_url="http://forum.test", base_url="http://companion.test")
    application = create_app(Context(settings=web_settings, store=store))
    application.config.update(TESTING=True)
    return application
