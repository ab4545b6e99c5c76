"""Meetup places rotate over host-willing organisations and external places."""

from __future__ import annotations

from datetime import timedelta

from companion.meetups.places import place_candidates, save_external_places, suggest_place
from companion.store.models import Meetup, Season, SignUp
from tests.support.circles import add_members
from tests.support.formats import START


def _meetup(session, location: str, weeks: int) -> None:
    starts = START + timedelta(weeks=weeks)
    session.add(
        Meetup(title="Meetup", starts_at=starts, ends_at=starts + timedelta(hours=2), location=location, capacity=20)
    )
    session.flush()


def test_the_place_used_longest_ago_comes_next(store, season_id):
    with store.transaction() as session:
        assert suggest_place(session) is None
        people = add_members(session, 3)
        season = session.get(Season, season_id)
        for member in people[:2]:
            session.add(SignUp(season_id=season.id, member_id=member.id, willing_to_host=True))
        session.flush()
        save_external_places(session, "Coworking Ruhr\n\ncoworking ruhr\nCoworking Ruhr", actor="admin")
        candidates = place_candidates(session)
        assert candidates[-1] == "Coworking Ruhr" and len(candidates) == 3
        first = suggest_place(session)
        assert first == candidates[0], "a place never used comes first"
        _meetup(session, f"{first}, Raum 1", 0)
        second = suggest_place(session)
        assert second != first
        for weeks, place in enumerate(candidates[1:], start=1):
            _meetup(session, place, weeks)
        assert suggest_place(session) == first, "after a full round the first place is due again"
