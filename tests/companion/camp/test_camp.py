"""The camp: rooms and slots as admins type them, proposals and votes, the grid from the votes, the post and ICS."""

from __future__ import annotations

from datetime import UTC, date, datetime

import icalendar
import pytest
from sqlalchemy import select

from companion.camp.service import (
    CampRefused,
    CampSpec,
    create_camp,
    grid_rows,
    parse_rooms,
    parse_slots,
    plan_grid,
    post_grid,
    propose_session,
    session_ics,
    toggle_vote,
)
from companion.store.models import Camp, OutboxItem
from tests.support.circles import add_members

SPEC = CampSpec(
    name="Rebellen-Camp 2027",
    day=date(2027, 6, 18),
    location="Zeche Zollverein",
    rooms="Saal: 80\nWerkstatt: 20",
    slots="10:00-10:45\n11:00-11:45",
)


def test_rooms_and_slots_are_parsed_with_clear_errors():
    assert parse_rooms("Saal: 80, Werkstatt:20") == [
        {"name": "Saal", "capacity": 80},
        {"name": "Werkstatt", "capacity": 20},
    ]
    assert parse_slots("10:00-10:45; 11:00 – 11:45") == [
        {"start": "10:00", "end": "10:45"},
        {"start": "11:00", "end": "11:45"},
    ]
    with pytest.raises(CampRefused) as refused:
        parse_rooms("Saal")
    assert refused.value.text("de") == "Raum „Saal“: bitte als „Name: Plätze“ angeben."
    with pytest.raises(CampRefused, match="before the previous"):
        parse_slots("10:00-11:00\n10:30-11:30")
    with pytest.raises(CampRefused, match="HH:MM"):
        parse_slots("25:00-26:00")


def test_votes_build_a_grid_without_conflicts_and_it_is_posted_once(store, settings):
    with store.transaction() as session:
        camp = create_camp(session, SPEC, actor="admin")
        people = add_members(session, 5)
        sessions = [propose_session(session, camp, f"Session {i}", member=people[0]) for i in range(4)]
        guest = propose_session(session, camp, "Bürgerhaushalt", guest_name="Eva Gast")
        assert guest.proposer_name == "Eva Gast" and guest.proposer_id is None
        # Everyone wants sessions 0 and 1: they must not run at the same time.
        for member in people[:4]:
            toggle_vote(session, sessions[0], member)
            toggle_vote(session, sessions[1], member)
        toggle_vote(session, sessions[2], people[4])
        assert toggle_vote(session, sessions[3], people[1]) is True
        assert toggle_vote(session, sessions[3], people[1]) is False, "a second click takes the vote back"
        conflicts, left_out = plan_grid(session, camp, actor="admin")
        assert conflicts == 0
        assert len(left_out) == 1, "five sessions, four cells"
        slot_of = {s.id: s.slot for s in camp.sessions}
        assert slot_of[sessions[0].id] != slot_of[sessions[1].id]
        assert {s.room for s in camp.sessions if s.id in (sessions[0].id, sessions[1].id)} == {"Saal"}
        rows = grid_rows(camp)
        assert [entry["start"] for entry, _ in rows] == ["10:00", "11:00"] and all(len(cells) == 2 for _, cells in rows)
        with pytest.raises(CampRefused, match="SHARING_CATEGORY_ID"):
            post_grid(session, camp, settings, actor="admin")
        configured = settings.replace(sharing_category_id=3)
        assert post_grid(session, camp, configured, actor="admin") is True
        assert post_grid(session, camp, configured, actor="admin") is False
        with pytest.raises(CampRefused, match="already posted"):
            plan_grid(session, camp, actor="admin")
        with pytest.raises(CampRefused, match="closed"):
            propose_session(session, camp, "Zu spät", member=people[0])
    with store.transaction() as session:
        items = session.scalars(select(OutboxItem).where(OutboxItem.kind == "topic")).all()
        assert len(items) == 1 and "| Zeit | Saal | Werkstatt |" in items[0].payload["raw"]


def test_each_session_has_its_own_calendar_entry(store, settings):
    with store.transaction() as session:
        camp = create_camp(session, SPEC, actor="admin")
        member = add_members(session, 1)[0]
        row = propose_session(session, camp, "Open Data", "Daten teilen", member=member)
        with pytest.raises(CampRefused, match="no slot"):
            session_ics(camp, row, settings, generated_at=datetime(2027, 6, 1, tzinfo=UTC))
        plan_grid(session, camp, actor="admin")
        ics = session_ics(camp, row, settings, generated_at=datetime(2027, 6, 1, tzinfo=UTC))
    event = next(c for c in icalendar.Calendar.from_ical(ics).walk("VEVENT"))
    assert str(event["summary"]) == "Open Data"
    # 10:00 in Berlin in June is 08:00 UTC.
    assert event.decoded("dtstart") == datetime(2027, 6, 18, 8, 0, tzinfo=UTC)
    assert "Saal" in str(event["location"])


def test_a_camp_needs_a_unique_name(store):
    with store.transaction() as session:
        create_camp(session, SPEC, actor="admin")
        with pytest.raises(CampRefused, match="exists"):
            create_camp(session, SPEC, actor="admin")
        assert len(session.scalars(select(Camp)).all()) == 1
