"""Fixtures of the circle service tests: a stored open season."""

from __future__ import annotations

import pytest

from circles_service_helpers import spec
from companion.circles.seasons import create_season


@pytest.fixture
def season_id(store):
    """A stored, open season's id."""
    with store.transaction() as session:
        return create_season(session, spec(), actor="admin").id
