"""Lean Coffee: participants propose and vote with dots, the agenda follows the votes, timeboxes, notes posted once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from companion.circles.errors import MeetupRefused
from companion.meetups import lean_coffee as lc
from companion.store.models import Meetup, Member, OutboxItem
from tests.support.circles import add_members
from tests.support.formats import START, make_meetup


@pytest.fixture
def meetup_ids(store):
    with store.transaction() as session:
        meetup, people = make_meetup(session, participants=3)
        lc.enable(session, meetup, dots=2, timebox_minutes=8, extension_minutes=4)
        outsider = add_members(session, 1, start=500)[0]
        return meetup.id, [p.id for p in people], outsider.id


def test_votes_order_the_agenda_and_dots_are_limited(store, meetup_ids):
    meetup_id, ids, _ = meetup_ids
    with store.transaction() as session:
        meetup = session.get(Meetup, meetup_id)
        anna, ben, cem = (session.get(Member, i) for i in ids)
        first = lc.propose(session, meetup, anna, "Open Data")
        second = lc.propose(session, meetup, ben, "Agile Verwaltung")
        third = lc.propose(session, meetup, cem, "KI im Bürgerbüro")
        for voter, topic in [(anna, third), (ben, third), (cem, second), (cem, third)]:
            lc.vote(session, topic, voter)
        lc.vote(session, second, anna)
        with pytest.raises(MeetupRefused, match="dots are used"):
            lc.vote(session, first, anna)
        order = [(item.topic.title, item.votes) for item in lc.agenda(session, meetup, anna)]
        assert order == [("KI im Bürgerbüro", 3), ("Agile Verwaltung", 2), ("Open Data", 0)]
        lc.unvote(session, second, anna)
        lc.vote(session, first, anna)
        assert [item.votes for item in lc.agenda(session, meetup)] == [3, 1, 1]


def test_only_participants_propose_and_duplicates_are_refused(store, meetup_ids):
    meetup_id, ids, outsider_id = meetup_ids
    with store.transaction() as session:
        meetup = session.get(Meetup, meetup_id)
        with pytest.raises(MeetupRefused, match="participants"):
            lc.propose(session, meetup, session.get(Member, outsider_id), "Thema")
        lc.propose(session, meetup, session.get(Member, ids[0]), "Open Data")
        with pytest.raises(MeetupRefused, match="already"):
            lc.propose(session, meetup, session.get(Member, ids[1]), "  open   data ")


def test_timeboxes_run_in_vote_order_and_a_quick_vote_extends(store, meetup_ids):
    meetup_id, ids, _ = meetup_ids
    with store.transaction() as session:
        meetup = session.get(Meetup, meetup_id)
        anna, ben, _ = (session.get(Member, i) for i in ids)
        low = lc.propose(session, meetup, anna, "Wenig Punkte")
        high = lc.propose(session, meetup, ben, "Viele Punkte")
        lc.vote(session, high, anna)
        now = START
        assert lc.start_next(session, meetup, now).id == high.id
        row = lc.lean_coffee_of(session, meetup)
        assert row.timebox_ends_at == now + timedelta(minutes=8)
        assert lc.extend(session, meetup, now + timedelta(minutes=8), thumbs_up=1, thumbs_down=2) is False
        assert lc.extend(session, meetup, now + timedelta(minutes=8), thumbs_up=3, thumbs_down=0) is True
        assert row.timebox_ends_at == now + timedelta(minutes=12)
        assert lc.start_next(session, meetup, now + timedelta(minutes=12), notes="Pilot im Q3").id == low.id
        assert high.status == "discussed" and high.notes == "Pilot im Q3" and high.minutes_used == 12
        assert lc.start_next(session, meetup, now + timedelta(minutes=20)) is None


def test_notes_are_posted_once(store, settings, meetup_ids):
    meetup_id, ids, _ = meetup_ids
    configured = settings.replace(sharing_category_id=9)
    with store.transaction() as session:
        meetup = session.get(Meetup, meetup_id)
        topic = lc.propose(session, meetup, session.get(Member, ids[0]), "Open Data")
        lc.start_next(session, meetup, START)
        lc.finish_current(session, meetup, START, notes="Datensätze sammeln")
        with pytest.raises(MeetupRefused, match="SHARING_CATEGORY_ID"):
            lc.post_notes(session, meetup, settings)
        assert lc.post_notes(session, meetup, configured) is True
        assert lc.post_notes(session, meetup, configured) is False
        assert topic.status == "discussed"
    with store.transaction() as session:
        items = session.scalars(select(OutboxItem).where(OutboxItem.kind == "topic")).all()
        assert len(items) == 1
        assert "| Open Data | 0 | 8 | besprochen |" in items[0].payload["raw"]
        assert "Datensätze sammeln" in items[0].payload["raw"]
