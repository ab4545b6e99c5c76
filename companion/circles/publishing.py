"""Publishing a formed season in the forum through the outbox: groups, welcome messages, one message per meeting."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from companion.circles import messages
from companion.circles.common import audit, local
from companion.circles.errors import PublishRefused
from companion.circles.formation import reason_text
from companion.circles.links import circle_url
from companion.circles.messages import GROUP_LOCALES
from companion.circles.outbox import GROUP_MESSAGEABLE_MEMBERS, GROUP_VISIBILITY_MEMBERS, forum_group, pm, queue
from companion.circles.states import CIRCLE, SEASON, CircleStatus, MeetingStatus, SeasonStatus
from companion.circles.wording import state_wording
from companion.messages.gettext import text_in
from companion.messages.markdown import escape_markdown
from companion.ops.progress import ProgressCallback, no_progress
from companion.store.models import Circle, Meeting, Member, Organisation, Season, WaitingEntry
from companion.suggestions.feedback import member_locale


@dataclass
class PublishReport:
    """How many forum writes a publish queued, and how many were queued before (and so not repeated)."""

    circles: int = 0
    queued: int = 0
    already_queued: int = 0

    def count(self, new: bool) -> None:
        if new:
            self.queued += 1
        else:
            self.already_queued += 1


def active_members(session: Session, circle: Circle) -> list[Member]:
    """The circle's members who have not left and whose forum account is active, by username."""
    members = [cm.member for cm in circle.members if cm.left_at is None]
    return sorted((m for m in members if m.active and not m.suspended), key=lambda m: m.username.lower())


def meeting_line(session: Session, meeting: Meeting, settings) -> messages.MeetingLine:
    """A meeting as shown in messages, in local time with its host's name."""
    host = session.get(Organisation, meeting.host_organisation_id) if meeting.host_organisation_id else None
    return messages.MeetingLine(
        number=meeting.number,
        starts_at=local(meeting.starts_at, settings),
        ends_at=local(meeting.ends_at, settings),
        location=meeting.location,
        host=host.name if host else None,
        cancelled=meeting.status == MeetingStatus.CANCELLED,
    )


def publish_season(
    session: Session, season: Season, settings, *, actor: str, progress: ProgressCallback = no_progress
) -> PublishReport:
    """Publish the season's preview (or re-queue a published season, which sends nothing twice)."""
    if season.status not in (SeasonStatus.FORMED, SeasonStatus.PUBLISHED):
        raise PublishRefused(
            "season “%(season)s” is %(status)s: form circles first (companion circles form) and check the preview",
            season=season.name,
            status=state_wording(season.status),
        )
    circles = sorted(season.circles, key=lambda c: c.number)
    if not circles:
        raise PublishRefused("season “%(season)s” has no circles to publish; form circles first", season=season.name)
    report = PublishReport(circles=len(circles))
    for index, circle in enumerate(circles, 1):
        progress("publishing circles", index, len(circles))
        if circle.status == CircleStatus.CLOSED:
            continue
        CIRCLE.move(circle, CircleStatus.PUBLISHED)
        _queue_circle(session, season, circle, settings, report)
    for waiting in session.scalars(select(WaitingEntry).where(WaitingEntry.season_id == season.id)):
        member = session.get(Member, waiting.member_id)
        if member is None or not member.active or waiting.reason in ("no_consent", "inactive"):
            continue
        locale = member_locale(member, settings.default_locale)
        title, raw = messages.waiting_list(season.name, reason_text(waiting.reason, locale), locale)
        report.count(
            pm(session, f"circles:season:{season.id}:waiting:{member.id}", [member.username], title, raw, member.id)
        )
    first_publish = season.status != SeasonStatus.PUBLISHED
    SEASON.move(season, SeasonStatus.PUBLISHED)
    session.flush()
    audit(
        session,
        actor,
        "circles.season.publish" if first_publish else "circles.season.republish",
        f"season:{season.id}",
        {"circles": report.circles, "queued": report.queued, "already_queued": report.already_queued},
    )
    return report


def _queue_circle(session: Session, season: Season, circle: Circle, settings, report: PublishReport) -> None:
    members = active_members(session, circle)
    usernames = [m.username for m in members]
    group = forum_group(circle)
    page = circle_url(settings, circle.id)
    report.count(
        queue(
            session,
            f"circles:circle:{circle.id}:group",
            "group_create",
            {
                "name": group,
                "full_name": f"{circle.name} · {season.name}"[:100],
                "bio_raw": group_bio(season.name, page),
                "usernames": usernames,
                "visibility_level": GROUP_VISIBILITY_MEMBERS,
                "messageable_level": GROUP_MESSAGEABLE_MEMBERS,
            },
        )
    )
    lines = [meeting_line(session, m, settings) for m in circle.meetings]
    # One welcome per member with every date, in the member's language; the thread of each meeting follows
    # in time before it (reminders.queue_due_reminders), so nobody gets a pile of messages at once.
    for member in members:
        locale = member_locale(member, settings.default_locale)
        title, raw = messages.welcome(circle.name, season.name, usernames, lines, page, locale)
        report.count(
            pm(session, f"circles:circle:{circle.id}:welcome:{member.id}", [member.username], title, raw, member.id)
        )


def group_bio(season_name: str, page_url: str) -> str:
    """The circle group's bio, read by members of either language: German, then English, then the circle's page."""
    season = escape_markdown(season_name)
    words = " / ".join(text_in(locale, "peer circle of “%(season)s”", season=season) for locale in GROUP_LOCALES)
    return f"{words}: {page_url}"


def publish_recipients(session: Session, season: Season) -> tuple[int, int]:
    """Who gets a message when the season is published: (members placed in circles, members on the waiting list)."""
    placed = sum(len(active_members(session, c)) for c in season.circles if c.status != CircleStatus.CLOSED)
    waiting = 0
    for entry in session.scalars(select(WaitingEntry).where(WaitingEntry.season_id == season.id)):
        member = session.get(Member, entry.member_id)
        if member is not None and member.active and entry.reason not in ("no_consent", "inactive"):
            waiting += 1
    return placed, waiting
