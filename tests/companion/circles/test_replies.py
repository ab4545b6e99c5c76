"""Check-ins by replying to the meeting's message: labelled lines become the check-in, other replies stay posts."""

from __future__ import annotations

from datetime import timedelta

from companion.circles.replies import check_in_from_reply, parse_check_in
from companion.store.models import OutboxItem, Season
from tests.support.circles import add_members
from tests.support.formats import START, make_circle

REPLY = """Hallo zusammen,
Erledigt: Termin mit der IT
- Nächster Schritt: Pilot starten
Hakt: Budget
Zuversicht: 4 von 5
Beratung: ja
"""


def test_labelled_lines_in_german_or_english_make_a_check_in():
    entry = parse_check_in(REPLY)
    assert entry is not None
    assert (entry.done, entry.next_step, entry.stuck, entry.confidence, entry.wants_advice) == (
        "Termin mit der IT",
        "Pilot starten",
        "Budget",
        4,
        True,
    )
    english = parse_check_in("Next step: ask the team\nConfidence: 2")
    assert english is not None and english.confidence == 2 and not english.wants_advice


def test_ordinary_replies_are_not_check_ins():
    assert parse_check_in("Ich komme etwas später, bis dann!") is None
    assert parse_check_in("Nächster Schritt: irgendwas") is None, "without confidence it is just a sentence"
    assert parse_check_in("Nächster Schritt: x\nZuversicht: hoch") is None


def test_a_reply_in_the_meeting_topic_is_stored_for_that_meeting(store, season_id):
    with store.transaction() as session:
        people = add_members(session, 4)
        circle = make_circle(session, session.get(Season, season_id), people)
        meeting = min(circle.meetings, key=lambda m: m.number)
        session.add(
            OutboxItem(
                idempotency_key=f"circles:meeting:{meeting.id}:thread",
                kind="pm",
                payload={},
                status="sent",
                forum_topic_id=4711,
            )
        )
        session.flush()
        before = START - timedelta(hours=1)
        stored = check_in_from_reply(session, 4711, people[0], REPLY, now=before)
        assert stored is not None and stored.meeting_id == meeting.id and stored.next_step == "Pilot starten"
        assert check_in_from_reply(session, 999, people[0], REPLY, now=before) is None, "another topic"
        outsider = add_members(session, 1, start=50)[0]
        assert check_in_from_reply(session, 4711, outsider, REPLY, now=before) is None
        assert check_in_from_reply(session, 4711, people[1], REPLY, now=meeting.ends_at + timedelta(hours=1)) is None
