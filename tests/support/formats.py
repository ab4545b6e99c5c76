"""Builders for the network's formats: a published circle with meetings, a meetup with confirmed participants."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from companion.store.models import Circle, CircleMember, Meeting, Meetup, MeetupRegistration, Member, Season
from tests.support.circles import add_members

START = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)


def make_circle(session, season: Season, members: list[Member], *, meetings: int = 3, minutes: int = 120) -> Circle:
    """A published circle of the members with weekly meetings of the given length from START."""
    circle = Circle(
        season_id=season.id, number=1, name="Zirkel 1", slot_weekday=0, slot_block="vormittag", status="published"
    )
    session.add(circle)
    session.flush()
    for member in members:
        session.add(CircleMember(circle_id=circle.id, member_id=member.id))
    for number in range(1, meetings + 1):
        starts = START + timedelta(weeks=4 * (number - 1))
        session.add(
            Meeting(
                circle_id=circle.id,
                number=number,
                uid=f"meeting-{circle.id}-{number}@test",
                starts_at=starts,
                ends_at=starts + timedelta(minutes=minutes),
                location="Rathaus",
            )
        )
    session.flush()
    session.refresh(circle)
    return circle


def make_meetup(session, *, capacity: int = 24, participants: int = 0, start: int = 100) -> tuple[Meetup, list[Member]]:
    """A meetup with that many members holding confirmed seats."""
    meetup = Meetup(
        title="Lean Coffee Essen",
        starts_at=START,
        ends_at=START + timedelta(hours=2),
        location="Coworking",
        capacity=capacity,
    )
    session.add(meetup)
    session.flush()
    people = add_members(session, participants, start=start) if participants else []
    for member in people:
        session.add(MeetupRegistration(meetup_id=meetup.id, member_id=member.id, status="confirmed"))
    session.flush()
    return meetup, people
