"""Reminders 7 days and 1 day before each meeting: personal messages with signed RSVP links, each sent once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from companion.circles import messages
from companion.circles.links import circle_url, rsvp_links
from companion.circles.method import next_step_for
from companion.circles.outbox import pm
from companion.circles.publishing import active_members, meeting_line
from companion.circles.rsvp import answers_of
from companion.circles.states import CircleStatus, MeetingStatus
from companion.jobs.locks import job_lock
from companion.store.models import Circle, Meeting
from companion.store.rows import require
from companion.suggestions.feedback import member_locale

LOCK_NAME = "circles-reminders"


@dataclass(frozen=True)
class ReminderKind:
    """A reminder sent `days` before a meeting."""

    key: str
    days: int


REMINDERS = (ReminderKind("reminder-7d", 7), ReminderKind("reminder-1d", 1))
# The circle group's thread for a meeting is posted this long before it, not all at once when publishing.
THREAD_DAYS_BEFORE = 14


def due_kind(meeting: Meeting, now: datetime) -> ReminderKind | None:
    """Which reminder is due now: the 7-day one up to a day before, then the 1-day one until the start."""
    if now >= meeting.starts_at:
        return None
    before = meeting.starts_at - now
    if before <= timedelta(days=1):
        return REMINDERS[1]
    if before <= timedelta(days=7):
        return REMINDERS[0]
    return None


def queue_due_reminders(session: Session, settings, *, now: datetime) -> dict[str, int]:
    """Queue every due reminder not queued before; members who said no get no 1-day reminder."""
    counts = {"meetings": 0, "queued": 0, "already_queued": 0, "threads": 0}
    query = (
        select(Meeting)
        .join(Circle, Circle.id == Meeting.circle_id)
        .where(Circle.status == CircleStatus.PUBLISHED)
        .where(Meeting.status == MeetingStatus.SCHEDULED)
        .where(Meeting.starts_at > now)
        .where(Meeting.starts_at <= now + timedelta(days=max(7, THREAD_DAYS_BEFORE)))
        .order_by(Meeting.starts_at, Meeting.id)
    )
    for meeting in session.scalars(query):
        circle = require(session, Circle, meeting.circle_id)
        line = meeting_line(session, meeting, settings)
        if meeting.starts_at - now <= timedelta(days=THREAD_DAYS_BEFORE) and circle.forum_group_name:
            title, raw = messages.meeting_thread(circle.name, line, circle_url(settings, circle.id))
            new = pm(session, f"circles:meeting:{meeting.id}:thread", [circle.forum_group_name], title, raw)
            counts["threads"] += 1 if new else 0
        kind = due_kind(meeting, now)
        if kind is None:
            continue
        counts["meetings"] += 1
        answers = answers_of(session, meeting)
        for member in active_members(session, circle):
            if kind.days == 1 and answers.get(member.id) == "no":
                continue
            title, raw = messages.reminder(
                circle.name,
                line,
                kind.days,
                rsvp_links(settings, meeting.id, member.id),
                next_step=next_step_for(session, meeting, member),
                check_in_url=f"{settings.base_url.rstrip('/')}/circles/meetings/{meeting.id}/check-in",
                locale=member_locale(member, settings.default_locale),
            )
            # The key names the meeting, the kind and the member: each reminder goes out once, even across moves.
            key = f"circles:meeting:{meeting.id}:{kind.key}:{member.id}"
            new = pm(session, key, [member.username], title, raw, member.id)
            counts["queued" if new else "already_queued"] += 1
    return counts


def send_due_reminders(context, now: datetime) -> dict[str, int]:
    """The worker's job: queue the due reminders under a lock so two workers never queue twice."""
    with job_lock(context.store, LOCK_NAME):
        with context.store.transaction() as session:
            return queue_due_reminders(session, context.settings, now=now)
