"""The lifecycles of seasons, circles and meetings, and the season status change an admin makes by hand."""

import pytest
from sqlalchemy import select

from companion.circles.errors import SeasonStatusRefused
from companion.circles.seasons import create_season, set_status
from companion.circles.states import CIRCLE, MEETING, SEASON, SeasonStatus
from companion.store.models import AuditEntry
from tests.support.circles import spec
from tests.support.lifecycles import transitions


def test_the_season_table_allows_exactly_these_changes():
    transitions(
        SEASON,
        {
            ("draft", "open"),
            ("draft", "formed"),
            ("open", "draft"),
            ("open", "formed"),
            ("open", "closed"),
            ("formed", "open"),
            ("formed", "published"),
            ("formed", "closed"),
            ("published", "closed"),
        },
    )


def test_the_circle_table_allows_exactly_these_changes():
    transitions(CIRCLE, {("preview", "published"), ("published", "closed")})


def test_the_meeting_table_allows_exactly_these_changes():
    transitions(MEETING, {("scheduled", "cancelled")})


def test_set_status_opens_a_draft_audited_and_refuses_what_the_table_forbids(store):
    with store.transaction() as session:
        season = create_season(session, spec(), actor="admin", status=SeasonStatus.DRAFT)
        assert set_status(session, season, "open", actor="admin") == SeasonStatus.OPEN
        assert season.status == "open"
        assert set_status(session, season, "open", actor="admin") == SeasonStatus.OPEN  # no change, no entry
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "circles.season.status")).all()
        assert [e.details for e in entries] == [{"from": "draft", "to": "open"}]
        with pytest.raises(SeasonStatusRefused) as manual:
            set_status(session, season, "published", actor="admin")
        assert "eigene Aktionen" in manual.value.text("de")
        set_status(session, season, "closed", actor="admin")
        with pytest.raises(SeasonStatusRefused) as refused:
            set_status(session, season, "open", actor="admin")
        assert "von „abgeschlossen“ zu „offen“" in refused.value.text("de")
        assert season.status == "closed"
