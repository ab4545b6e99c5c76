"""RSVPs (yes, no, maybe) of circle members to meetings, from the pages or from a signed link."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from companion.circles.errors import RsvpRefused
from companion.circles.links import ANSWERS, read_rsvp_token
from companion.circles.states import CircleStatus, MeetingStatus
from companion.store.models import Circle, CircleMember, Meeting, Member, Rsvp


def record_rsvp(session: Session, meeting: Meeting, member: Member, answer: str, *, now: datetime) -> Rsvp:
    """Store or change the member's answer, refusing for cancelled or past meetings and for non-members."""
    if answer not in ANSWERS:
        raise RsvpRefused("please answer yes, no or maybe")
    if meeting.status == MeetingStatus.CANCELLED:
        raise RsvpRefused("meeting %(number)s was cancelled, so no answer is needed", number=meeting.number)
    if now >= meeting.ends_at:
        raise RsvpRefused("meeting %(number)s is over", number=meeting.number)
    circle = session.get(Circle, meeting.circle_id)
    if circle is None or circle.status != CircleStatus.PUBLISHED:
        raise RsvpRefused("this circle is not published yet")
    membership = session.get(CircleMember, (circle.id, member.id))
    if membership is None or membership.left_at is not None:
        raise RsvpRefused("only members of this circle can answer")
    rsvp = session.get(Rsvp, (meeting.id, member.id))
    if rsvp is None:
        rsvp = Rsvp(meeting_id=meeting.id, member_id=member.id, answer=answer, at=now)
        session.add(rsvp)
    else:
        rsvp.answer = answer
        rsvp.at = now
    session.flush()
    return rsvp


def rsvp_from_token(
    session: Session, settings, token: str, answer: str, *, now: datetime, logged_in: Member | None = None
) -> Rsvp:
    """Record the answer of a signed link; a logged-in member may only answer with their own link."""
    meeting_id, member_id = read_rsvp_token(settings, token)
    if logged_in is not None and logged_in.id != member_id:
        raise RsvpRefused("this link belongs to another member; use the buttons on your circle page")
    meeting = session.get(Meeting, meeting_id)
    member = session.get(Member, member_id)
    if meeting is None or member is None:
        raise RsvpRefused("this meeting or member no longer exists")
    return record_rsvp(session, meeting, member, answer, now=now)


def answers_of(session: Session, meeting: Meeting) -> dict[int, str]:
    """Answers to a meeting by member id."""
    return {r.member_id: r.answer for r in session.scalars(select(Rsvp).where(Rsvp.meeting_id == meeting.id))}
