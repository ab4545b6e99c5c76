"""Changes after publishing: a meeting moved or cancelled, a member leaving; each told once in the circle's group."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from companion.circles import messages
from companion.circles.common import audit
from companion.circles.errors import CirclesError
from companion.circles.links import circle_url
from companion.circles.outbox import pm, queue
from companion.circles.publishing import meeting_line
from companion.circles.states import MEETING, CircleStatus, MeetingStatus
from companion.meetups.states import ACTIVE
from companion.store.models import Circle, CircleMember, Meeting, MeetupRegistration, Member
from companion.store.rows import require


def move_meeting(
    session: Session, meeting: Meeting, starts_at: datetime, settings, *, actor: str, location: str | None = None
) -> bool:
    """Move a meeting (keeping its length), bump its SEQUENCE and announce it once; False when nothing changed."""
    if starts_at.tzinfo is None:
        raise CirclesError("the new start must carry a time zone")
    if meeting.status == MeetingStatus.CANCELLED:
        raise CirclesError("a cancelled meeting cannot be moved")
    starts_at = starts_at.astimezone(UTC)
    new_location = meeting.location if location is None else location
    if starts_at == meeting.starts_at and new_location == meeting.location:
        return False
    previous = meeting_line(session, meeting, settings)
    length = meeting.ends_at - meeting.starts_at
    meeting.starts_at, meeting.ends_at, meeting.location = starts_at, starts_at + length, new_location
    meeting.sequence += 1
    session.flush()
    _announce(session, meeting, settings, previous)
    audit(
        session,
        actor,
        "circles.meeting.move",
        f"meeting:{meeting.id}",
        {"starts_at": starts_at.isoformat(), "location": new_location},
    )
    return True


def cancel_meeting(session: Session, meeting: Meeting, settings, *, actor: str) -> bool:
    """Cancel a meeting (kept as STATUS:CANCELLED in calendars) and announce it once; False when already cancelled."""
    if meeting.status == MeetingStatus.CANCELLED:
        return False
    MEETING.move(meeting, MeetingStatus.CANCELLED)
    meeting.sequence += 1
    session.flush()
    _announce(session, meeting, settings, None)
    audit(session, actor, "circles.meeting.cancel", f"meeting:{meeting.id}", {})
    return True


def _announce(session: Session, meeting: Meeting, settings, previous) -> None:
    circle = require(session, Circle, meeting.circle_id)
    group = circle.forum_group_name
    if circle.status != CircleStatus.PUBLISHED or not group:
        return  # nobody has seen a preview (nor a circle without a forum group), so there is nothing to announce
    title, raw = messages.meeting_changed(
        circle.name, meeting_line(session, meeting, settings), previous, circle_url(settings, circle.id)
    )
    pm(session, f"circles:meeting:{meeting.id}:changed:{meeting.sequence}", [group], title, raw)


def leave_circle(session: Session, circle: Circle, member: Member, *, now: datetime, actor: str) -> bool:
    """Take a member out of a circle (row kept with left_at), remove them from the group and tell the circle once."""
    membership = session.get(CircleMember, (circle.id, member.id))
    if membership is None or membership.left_at is not None:
        return False
    membership.left_at = now
    session.flush()
    group = circle.forum_group_name
    # A circle without a forum group (never the case after publishing) has no group to leave or tell.
    if circle.status == CircleStatus.PUBLISHED and group:
        queue(
            session,
            f"circles:circle:{circle.id}:remove:{member.id}",
            "group_remove",
            {"group_name": group, "usernames": [member.username]},
        )
        title, raw = messages.member_left(circle.name, member.username)
        pm(session, f"circles:circle:{circle.id}:left:{member.id}", [group], title, raw)
    audit(session, actor, "circles.circle.leave", f"circle:{circle.id}", {"member": member.username})
    return True


def handle_member_departure(
    session: Session, member: Member, *, now: datetime, actor: str = "system", settings=None
) -> int:
    """Before a member's account goes (deleted, deactivated): leave every circle and free their meetup seats."""
    from companion.meetups.registration import cancel_registration

    left = 0
    memberships = session.scalars(
        select(CircleMember).where(CircleMember.member_id == member.id).where(CircleMember.left_at.is_(None))
    ).all()
    for membership in memberships:
        circle = require(session, Circle, membership.circle_id)
        if circle.status != CircleStatus.CLOSED and leave_circle(session, circle, member, now=now, actor=actor):
            left += 1
    registrations = session.scalars(
        select(MeetupRegistration)
        .where(MeetupRegistration.member_id == member.id)
        .where(MeetupRegistration.status.in_(ACTIVE))
    ).all()
    for registration in registrations:
        cancel_registration(session, registration, now=now, settings=settings)
    return left


def reconcile_departures(session: Session, *, now: datetime, settings=None) -> int:
    """Handle members who became inactive or suspended while still in a circle; returns how many left."""
    query = (
        select(Member)
        .join(CircleMember, CircleMember.member_id == Member.id)
        .join(Circle, Circle.id == CircleMember.circle_id)
        .where(CircleMember.left_at.is_(None))
        .where(Circle.status == CircleStatus.PUBLISHED)
        .where((Member.active.is_(False)) | (Member.suspended.is_(True)))
    )
    left = 0
    for member in session.scalars(query).unique().all():
        left += handle_member_departure(session, member, now=now, settings=settings)
    return left
