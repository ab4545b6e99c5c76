"""Helpers that put a small network with activity into a store for the badge service tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import count

from companion.store.models import (
    Circle,
    Like,
    Meeting,
    Member,
    Organisation,
    Post,
    PrivateContact,
    Rsvp,
    Season,
    Suggestion,
    Topic,
)

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
_ids = count(1000)


def at(minutes: int) -> datetime:
    """A moment some minutes after the test epoch."""
    return T0 + timedelta(minutes=minutes)


def organisation(session, key: str) -> int:
    """Add an organisation and return its id."""
    row = Organisation(key=key, name=key.replace("-", " ").title())
    session.add(row)
    session.flush()
    return row.id


def member(session, username: str, organisation_id: int | None, **extra) -> int:
    """Add a member and return their id."""
    row = Member(forum_user_id=next(_ids), username=username, organisation_id=organisation_id, **extra)
    session.add(row)
    session.flush()
    return row.id


def topic(session, author_id: int | None, title: str = "Thema") -> int:
    """Add a topic with its first post and return the topic id."""
    topic_id = next(_ids)
    session.add(Topic(id=topic_id, title=title, member_id=author_id, created_at=T0))
    session.flush()
    session.add(Post(id=next(_ids), topic_id=topic_id, post_number=1, member_id=author_id, created_at=T0))
    session.flush()
    return topic_id


def post(
    session, topic_id: int, author_id: int | None, *, number: int, reply_to: int | None = None, minutes: int = 0
) -> int:
    """Add a post (a reply when reply_to names a member) and return its id."""
    post_id = next(_ids)
    session.add(
        Post(
            id=post_id,
            topic_id=topic_id,
            post_number=number,
            member_id=author_id,
            reply_to_member_id=reply_to,
            reply_to_post_number=1 if reply_to else None,
            created_at=at(minutes),
        )
    )
    session.flush()
    return post_id


def like(session, post_id: int, member_id: int, minutes: int = 0) -> None:
    """Add a like."""
    session.add(Like(post_id=post_id, member_id=member_id, created_at=at(minutes)))
    session.flush()


def contact(session, a: int, b: int, minutes: int = 0) -> None:
    """Record a private conversation between two members, in both directions as the ingest does."""
    session.add(PrivateContact(member_id=a, other_member_id=b, first_at=at(minutes)))
    session.add(PrivateContact(member_id=b, other_member_id=a, first_at=at(minutes)))
    session.flush()


def suggestion(session, member_id: int, suggested_id: int, status: str, minutes: int = 0) -> None:
    """Add a suggestion with a status."""
    session.add(
        Suggestion(
            run_date=date(2024, 3, 1),
            member_id=member_id,
            suggested_member_id=suggested_id,
            rank=1,
            score=0.5,
            status=status,
            feedback_at=at(minutes) if status != "new" else None,
        )
    )
    session.flush()


def circle_with_meetings(session, member_ids: list[int], starts: list[datetime], host_organisation_id: int | None):
    """Add a season, a circle of the members and meetings at the given times; return the meeting ids."""
    season = Season(
        name=f"Runde {next(_ids)}",
        signup_opens_on=date(2024, 1, 1),
        signup_closes_on=date(2024, 1, 31),
        first_meeting_on=date(2024, 2, 1),
    )
    session.add(season)
    session.flush()
    circle = Circle(season_id=season.id, number=1, name="Zirkel 1", slot_weekday=1, slot_block="morning")
    session.add(circle)
    session.flush()
    meeting_ids = []
    for number, start in enumerate(starts, 1):
        meeting = Meeting(
            circle_id=circle.id,
            number=number,
            uid=f"m-{next(_ids)}",
            starts_at=start,
            ends_at=start + timedelta(minutes=90),
            host_organisation_id=host_organisation_id,
        )
        session.add(meeting)
        session.flush()
        meeting_ids.append(meeting.id)
    return circle.id, meeting_ids


def rsvp(session, meeting_id: int, member_id: int, answer: str, attended: bool | None = None) -> None:
    """Add an answer to a meeting."""
    session.add(Rsvp(meeting_id=meeting_id, member_id=member_id, answer=answer, attended=attended))
    session.flush()
