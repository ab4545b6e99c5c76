"""The circle method: each member's change project ("Vorhaben"), check-ins before meetings, the host's plan."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from companion.circles.errors import CirclesError
from companion.store.models import CheckIn, Circle, CircleMember, Meeting, Member, Project
from companion.store.types import utcnow

MAX_TEXT = 2000
MIN_CONFIDENCE, MAX_CONFIDENCE = 1, 5
# Minutes of a meeting that are not check-ins or advice: arriving and a closing round.
OPENING_MINUTES, CLOSING_MINUTES = 5, 10
# Kollegiale Beratung needs time to be worth it; below this the plan leaves it out.
MIN_ADVICE_MINUTES = 20


class MethodRefused(CirclesError):
    """A Vorhaben or check-in cannot be saved; the message says why."""


@dataclass(frozen=True)
class ProjectInput:
    """What a member enters as their Vorhaben."""

    what: str
    why: str = ""
    first_step: str = ""
    due_on: date | None = None
    publish_summary: bool = False
    summary: str = ""


@dataclass(frozen=True)
class CheckInInput:
    """What a member enters before a meeting."""

    done: str
    next_step: str
    stuck: str
    confidence: int
    wants_advice: bool = False


def _clean(text: str) -> str:
    return "\n".join(line.rstrip() for line in (text or "").strip().splitlines())[:MAX_TEXT]


def is_active_member(session: Session, circle: Circle, member: Member) -> bool:
    """Whether the member belongs to the circle and has not left it."""
    row = session.get(CircleMember, (circle.id, member.id))
    return row is not None and row.left_at is None


def project_of(session: Session, circle: Circle, member: Member) -> Project | None:
    """The member's Vorhaben in this circle, or None."""
    return session.scalar(select(Project).where(Project.circle_id == circle.id, Project.member_id == member.id))


def save_project(session: Session, circle: Circle, member: Member, entry: ProjectInput) -> Project:
    """Store or update the member's Vorhaben; only the circle's members may, and "what" must say something."""
    if not is_active_member(session, circle, member):
        raise MethodRefused("only members of this circle can enter a Vorhaben")
    what = _clean(entry.what)
    if not what:
        raise MethodRefused("say what your Vorhaben is")
    project = project_of(session, circle, member)
    if project is None:
        project = Project(circle_id=circle.id, member_id=member.id, what=what)
        session.add(project)
    project.what = what
    project.why = _clean(entry.why)
    project.first_step = _clean(entry.first_step)
    project.due_on = entry.due_on
    project.publish_summary = entry.publish_summary
    project.summary = _clean(entry.summary)
    project.updated_at = utcnow()
    session.flush()
    return project


def check_in_of(session: Session, meeting: Meeting, member: Member) -> CheckIn | None:
    """The member's check-in for the meeting, or None."""
    return session.scalar(select(CheckIn).where(CheckIn.meeting_id == meeting.id, CheckIn.member_id == member.id))


def save_check_in(
    session: Session, meeting: Meeting, member: Member, entry: CheckInInput, *, now: datetime | None = None
) -> CheckIn:
    """Store or update the member's check-in for a scheduled meeting of their circle, until the meeting ends."""
    circle = session.get(Circle, meeting.circle_id)
    if circle is None or not is_active_member(session, circle, member):
        raise MethodRefused("only members of this circle can check in")
    if meeting.status != "scheduled":
        raise MethodRefused("this meeting is cancelled")
    if (now or utcnow()) > meeting.ends_at:
        raise MethodRefused("this meeting is over")
    if not MIN_CONFIDENCE <= entry.confidence <= MAX_CONFIDENCE:
        raise MethodRefused("confidence must be between %(low)s and %(high)s", low=MIN_CONFIDENCE, high=MAX_CONFIDENCE)
    next_step = _clean(entry.next_step)
    if not next_step:
        raise MethodRefused("name your next step")
    row = check_in_of(session, meeting, member)
    if row is None:
        row = CheckIn(meeting_id=meeting.id, member_id=member.id, confidence=entry.confidence)
        session.add(row)
    row.done = _clean(entry.done)
    row.next_step = next_step
    row.stuck = _clean(entry.stuck)
    row.confidence = entry.confidence
    row.wants_advice = entry.wants_advice and bool(row.stuck)
    row.updated_at = utcnow()
    session.flush()
    return row


@dataclass
class MemberProgress:
    """One member's Vorhaben and check-ins over the season, meeting by meeting."""

    member: Member
    project: Project | None
    check_ins: list[tuple[Meeting, CheckIn | None]] = field(default_factory=list)

    @property
    def latest_next_step(self) -> str:
        """The newest next step the member named, or the Vorhaben's first step."""
        for _, check_in in reversed(self.check_ins):
            if check_in is not None and check_in.next_step:
                return check_in.next_step
        return self.project.first_step if self.project else ""

    @property
    def confidences(self) -> list[int | None]:
        """The member's confidence at each meeting (None where they did not check in)."""
        return [c.confidence if c else None for _, c in self.check_ins]


def circle_progress(session: Session, circle: Circle) -> list[MemberProgress]:
    """Every active member's Vorhaben and check-ins, in meeting order."""
    members = [row.member for row in circle.members if row.left_at is None]
    meetings = sorted(circle.meetings, key=lambda m: m.number)
    projects = {p.member_id: p for p in session.scalars(select(Project).where(Project.circle_id == circle.id))}
    meeting_ids = [m.id for m in meetings]
    check_ins = {
        (c.meeting_id, c.member_id): c
        for c in session.scalars(select(CheckIn).where(CheckIn.meeting_id.in_(meeting_ids)))
    }
    return [
        MemberProgress(
            member=member,
            project=projects.get(member.id),
            check_ins=[(meeting, check_ins.get((meeting.id, member.id))) for meeting in meetings],
        )
        for member in sorted(members, key=lambda m: (m.name or m.username).lower())
    ]


def next_step_for(session: Session, meeting: Meeting, member: Member) -> str:
    """The next step the member named most recently before this meeting (for the reminder), or ""."""
    rows = session.execute(
        select(CheckIn.next_step)
        .join(Meeting, Meeting.id == CheckIn.meeting_id)
        .where(CheckIn.member_id == member.id, Meeting.circle_id == meeting.circle_id, Meeting.number < meeting.number)
        .order_by(Meeting.number.desc())
        .limit(1)
    ).all()
    if rows and rows[0][0]:
        return str(rows[0][0])
    circle = session.get(Circle, meeting.circle_id)
    project = project_of(session, circle, member) if circle else None
    return project.first_step if project else ""


@dataclass(frozen=True)
class PlanItem:
    """One part of a meeting: what happens, for how many minutes, and who."""

    kind: str  # "opening", "check_in", "advice", "closing"
    minutes: int
    member: Member | None = None
    check_in: CheckIn | None = None


@dataclass(frozen=True)
class MeetingPlan:
    """The host's plan: a round of check-ins with time per member, then kollegiale Beratung on one question."""

    items: list[PlanItem]
    minutes_per_check_in: int
    advice_candidates: list[tuple[Member, CheckIn]]


def meeting_plan(session: Session, meeting: Meeting) -> MeetingPlan:
    """Split the meeting's time: opening, one check-in per member, kollegiale Beratung if time allows, closing.

    The advice question is chosen by the group in the meeting; the plan lists the members who asked for it.
    """
    circle = session.get(Circle, meeting.circle_id)
    members = [row.member for row in circle.members if row.left_at is None] if circle else []
    members.sort(key=lambda m: (m.name or m.username).lower())
    total = max(int((meeting.ends_at - meeting.starts_at).total_seconds() // 60), 0)
    available = max(total - OPENING_MINUTES - CLOSING_MINUTES, 0)
    check_ins = {c.member_id: c for c in session.scalars(select(CheckIn).where(CheckIn.meeting_id == meeting.id))}
    candidates = [(m, check_ins[m.id]) for m in members if m.id in check_ins and check_ins[m.id].wants_advice]
    # Check-ins get at most half the time when someone asked for advice, so the Beratung keeps its share.
    check_in_budget = available // 2 if candidates and available // 2 >= MIN_ADVICE_MINUTES else available
    per_member = max(min(check_in_budget // len(members), 10), 2) if members else 0
    items = [PlanItem("opening", OPENING_MINUTES)]
    items += [PlanItem("check_in", per_member, member, check_ins.get(member.id)) for member in members]
    advice = available - per_member * len(members)
    if candidates and advice >= MIN_ADVICE_MINUTES:
        items.append(PlanItem("advice", advice))
    items.append(PlanItem("closing", CLOSING_MINUTES))
    return MeetingPlan(items=items, minutes_per_check_in=per_member, advice_candidates=candidates)
