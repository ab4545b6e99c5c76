"""The report's raw figures, computed from the store for a period: every count keeps the people behind it.

Nothing here is anonymised yet: each figure is a `Cell` with its value and the ids of the members it
is about, so that `companion.reports.anonymity` can decide what may be shown. Definitions:

- a *contact* is an unordered pair of members who met through the companion or the forum: an accepted
  introduction (suggestion answered with "Kontakt aufnehmen", or later talked), a private conversation
  detected in the forum, or a shared circle; it is *cross-organisation* when both members have an
  organisation and the two differ (members without an organisation never count as cross-organisation);
- a member is *active* in a quarter when they wrote a post, gave a like, answered a meeting, signed up
  for a season, registered for a meetup or had a contact in that quarter; only members with an
  organisation count (without one, "outside their own organisation" means nothing);
- the headline figure is the share of a quarter's active members who, by the end of that quarter, had
  at least one cross-organisation contact.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from itertools import combinations

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from companion.store.models import (
    Badge,
    BadgeGrant,
    CheckIn,
    Circle,
    CircleMember,
    Like,
    Meeting,
    MeetingCheck,
    Meetup,
    MeetupGuest,
    MeetupRegistration,
    Member,
    Organisation,
    Post,
    PrivateContact,
    Project,
    Rsvp,
    SignUp,
    Suggestion,
)

ACCEPTED = ("contacted", "talked")
# Stand-in ids of deleted guests (only their number is kept): far below any stored guest's negative id.
PURGED_GUEST_IDS = 10**12
PURGED_PER_MEETUP = 10**6
HELD_CIRCLES = ("published", "closed")


class ContactKind(StrEnum):
    """How two members came into contact."""

    INTRODUCTION = "introduction"
    CONVERSATION = "conversation"
    CIRCLE = "circle"
    MET = "met"  # at least one of an introduced pair answered "did you meet?" with yes


@dataclass(frozen=True)
class Cell:
    """One figure and the members it is about (what k-anonymity is checked against)."""

    value: float
    people: frozenset[int] = frozenset()

    def __add__(self, other: Cell) -> Cell:
        return Cell(self.value + other.value, self.people | other.people)


EMPTY = Cell(0)


def total(cells: Iterable[Cell]) -> Cell:
    """The sum of cells: values added, people united."""
    value: float = 0
    people: set[int] = set()
    for cell in cells:
        value += cell.value
        people.update(cell.people)
    return Cell(value, frozenset(people))


@dataclass(frozen=True)
class Quarter:
    """A calendar quarter, clipped to the report's period."""

    year: int
    number: int
    start: date
    end: date

    @property
    def label(self) -> str:
        return f"Q{self.number} {self.year}"

    def contains(self, moment: date | datetime | None) -> bool:
        return moment is not None and self.start <= _day(moment) <= self.end


def quarters(start: date, end: date) -> list[Quarter]:
    """The calendar quarters that meet [start, end], each clipped to it."""
    if end < start:
        raise ValueError("the period ends before it starts")
    result: list[Quarter] = []
    year, number = start.year, (start.month - 1) // 3 + 1
    while True:
        first = date(year, 3 * number - 2, 1)
        last = (date(year + (number == 4), (3 * number) % 12 + 1, 1)) - timedelta(days=1)
        if first > end:
            return result
        result.append(Quarter(year, number, max(first, start), min(last, end)))
        year, number = (year + 1, 1) if number == 4 else (year, number + 1)


def quarter_index(periods: list[Quarter], moment: date | datetime | None) -> int | None:
    """The position of the quarter a moment falls in, or None outside the period."""
    if moment is None:
        return None
    day = _day(moment)
    position = bisect_right([q.start for q in periods], day) - 1
    return position if position >= 0 and day <= periods[position].end else None


def _day(moment: date | datetime) -> date:
    if isinstance(moment, datetime):
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC).date()
    return moment


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return datetime.combine(start, time.min, UTC), datetime.combine(end + timedelta(days=1), time.min, UTC)


@dataclass(frozen=True)
class Contact:
    """A contact between two members (a < b) of one kind, first seen on a day."""

    kind: ContactKind
    a: int
    b: int
    day: date


@dataclass
class MeetupFigures:
    """One meetup of the period: its seats, confirmed participants, waiting list and guests."""

    title: str
    day: date
    capacity: int
    confirmed: Cell
    waiting: Cell
    guests: Cell


@dataclass
class RawFigures:
    """Every figure of the report for one period, before anonymisation."""

    start: date
    end: date
    quarters: list[Quarter]
    organisations: dict[int, str]
    member_org: dict[int, int | None]
    org_size: dict[int, int]
    members_total: list[Cell] = field(default_factory=list)
    members_new: list[Cell] = field(default_factory=list)
    organisations_total: list[int] = field(default_factory=list)
    members_by_org: dict[int, Cell] = field(default_factory=dict)
    contacts: list[Contact] = field(default_factory=list)
    contacts_by_quarter: dict[ContactKind, list[Cell]] = field(default_factory=dict)
    contacts_by_pair: dict[tuple[int, int], Cell] = field(default_factory=dict)
    active: list[Cell] = field(default_factory=list)
    reached: list[Cell] = field(default_factory=list)
    active_period: Cell = EMPTY
    reached_period: Cell = EMPTY
    active_by_org: dict[int, Cell] = field(default_factory=dict)
    reached_by_org: dict[int, Cell] = field(default_factory=dict)
    meetings_held: list[int] = field(default_factory=list)
    circles_met: list[int] = field(default_factory=list)
    seats: list[Cell] = field(default_factory=list)
    rsvp_yes: list[Cell] = field(default_factory=list)
    attended: list[Cell] = field(default_factory=list)
    meetups: list[MeetupFigures] = field(default_factory=list)
    badges: dict[str, list[Cell]] = field(default_factory=dict)
    badge_names: dict[str, dict[str, str]] = field(default_factory=dict)
    projects_started: list[Cell] = field(default_factory=list)
    projects_checked_in: list[Cell] = field(default_factory=list)
    check_ins: list[Cell] = field(default_factory=list)
    confidence: list[Cell] = field(default_factory=list)


def compute(db: Session, start: date, end: date, *, now: datetime | None = None) -> RawFigures:
    """All raw figures for the period [start, end] (both days included)."""
    now = now or datetime.now(UTC)
    periods = quarters(start, end)
    organisations = dict(db.execute(select(Organisation.id, Organisation.name)).all())
    rows = db.execute(
        select(Member.id, Member.organisation_id, Member.forum_created_at, Member.synced_at).where(
            Member.staged.is_(False)
        )
    ).all()
    member_org = {row.id: row.organisation_id for row in rows}
    joined = {row.id: _day(row.forum_created_at or row.synced_at) for row in rows}
    org_size: dict[int, int] = defaultdict(int)
    for member_id, org in member_org.items():
        if org is not None and joined[member_id] <= end:
            org_size[org] += 1
    raw = RawFigures(start, end, periods, organisations, member_org, dict(org_size))
    _members(raw, joined)
    _contacts(raw, db)
    _activity(raw, db)
    _circles(raw, db, now)
    _meetups(raw, db)
    _badges(raw, db)
    _projects(raw, db)
    return raw


def _members(raw: RawFigures, joined: dict[int, date]) -> None:
    for quarter in raw.quarters:
        ids = frozenset(m for m, day in joined.items() if day <= quarter.end)
        raw.members_total.append(Cell(len(ids), ids))
        new = frozenset(m for m in ids if joined[m] >= quarter.start)
        raw.members_new.append(Cell(len(new), new))
        raw.organisations_total.append(len({raw.member_org[m] for m in ids} - {None}))
    by_org: dict[int, set[int]] = defaultdict(set)
    for member_id, day in joined.items():
        org = raw.member_org[member_id]
        if org is not None and day <= raw.end:
            by_org[org].add(member_id)
    raw.members_by_org = {org: Cell(len(ids), frozenset(ids)) for org, ids in by_org.items()}


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def load_contacts(db: Session, member_org: dict[int, int | None], *, until: date) -> list[Contact]:
    """Every contact of each kind up to a day, earliest day per pair and kind."""
    first: dict[tuple[ContactKind, int, int], date] = {}

    def note(kind: ContactKind, a: int, b: int, moment: date | datetime | None) -> None:
        if a == b or moment is None or a not in member_org or b not in member_org:
            return
        day = _day(moment)
        key = (kind, *_pair(a, b))
        if day <= until and (key not in first or day < first[key]):
            first[key] = day

    suggestions = db.execute(
        select(Suggestion.member_id, Suggestion.suggested_member_id, Suggestion.feedback_at, Suggestion.run_date).where(
            Suggestion.status.in_(ACCEPTED)
        )
    )
    for a, b, feedback_at, run_date in suggestions:
        note(ContactKind.INTRODUCTION, a, b, feedback_at or run_date)
    for a, b, first_at in db.execute(
        select(PrivateContact.member_id, PrivateContact.other_member_id, PrivateContact.first_at)
    ):
        note(ContactKind.CONVERSATION, a, b, first_at)
    circle_rows = db.execute(
        select(CircleMember.circle_id, CircleMember.member_id, CircleMember.joined_at)
        .join(Circle, Circle.id == CircleMember.circle_id)
        .where(Circle.status.in_(HELD_CIRCLES))
    )
    circles: dict[int, list[tuple[int, datetime]]] = defaultdict(list)
    for circle_id, member_id, joined_at in circle_rows:
        circles[circle_id].append((member_id, joined_at))
    for members in circles.values():
        for (a, at_a), (b, at_b) in combinations(members, 2):
            note(ContactKind.CIRCLE, a, b, max(at_a, at_b))
    for a, b, answered_at in db.execute(
        select(MeetingCheck.member_id, MeetingCheck.other_member_id, MeetingCheck.answered_at).where(
            MeetingCheck.status == "met"
        )
    ):
        note(ContactKind.MET, a, b, answered_at)
    return [Contact(kind, a, b, day) for (kind, a, b), day in sorted(first.items(), key=lambda item: item[0])]


def _is_cross(raw: RawFigures, contact: Contact) -> bool:
    org_a, org_b = raw.member_org.get(contact.a), raw.member_org.get(contact.b)
    return org_a is not None and org_b is not None and org_a != org_b


def _contacts(raw: RawFigures, db: Session) -> None:
    raw.contacts = load_contacts(db, raw.member_org, until=raw.end)
    per_quarter: dict[tuple[ContactKind, int], list[Cell]] = defaultdict(list)
    per_pair: dict[tuple[int, int], list[Cell]] = defaultdict(list)
    for c in raw.contacts:
        index = quarter_index(raw.quarters, c.day)
        if index is None or not _is_cross(raw, c):
            continue
        one = Cell(1, frozenset({c.a, c.b}))
        per_quarter[(c.kind, index)].append(one)
        org_a, org_b = raw.member_org[c.a], raw.member_org[c.b]
        assert org_a is not None and org_b is not None
        per_pair[_pair(org_a, org_b)].append(one)
    for kind in ContactKind:
        raw.contacts_by_quarter[kind] = [total(per_quarter[(kind, i)]) for i in range(len(raw.quarters))]
    raw.contacts_by_pair = {pair: total(cells) for pair, cells in per_pair.items()}


def _activity(raw: RawFigures, db: Session) -> None:
    low, high = _bounds(raw.start, raw.end)
    moments: list[tuple[int | None, datetime | date | None]] = []
    moments += db.execute(select(Post.member_id, Post.created_at).where(Post.created_at >= low, Post.created_at < high))
    moments += db.execute(select(Like.member_id, Like.created_at).where(Like.created_at >= low, Like.created_at < high))
    moments += db.execute(select(Rsvp.member_id, Rsvp.at).where(Rsvp.at >= low, Rsvp.at < high))
    moments += db.execute(
        select(SignUp.member_id, SignUp.created_at).where(SignUp.created_at >= low, SignUp.created_at < high)
    )
    moments += db.execute(
        select(MeetupRegistration.member_id, MeetupRegistration.registered_at).where(
            MeetupRegistration.registered_at >= low, MeetupRegistration.registered_at < high
        )
    )
    for contact in raw.contacts:
        moments += [(contact.a, contact.day), (contact.b, contact.day)]
    first_cross: dict[int, date] = {}
    for contact in raw.contacts:
        if _is_cross(raw, contact):
            for member_id in (contact.a, contact.b):
                if member_id not in first_cross or contact.day < first_cross[member_id]:
                    first_cross[member_id] = contact.day
    active_by_quarter: list[set[int]] = [set() for _ in raw.quarters]
    for who, moment in moments:
        if who is None or raw.member_org.get(who) is None:
            continue
        index = quarter_index(raw.quarters, moment)
        if index is not None:
            active_by_quarter[index].add(who)
    everyone: set[int] = set()
    for quarter, ids in zip(raw.quarters, active_by_quarter):
        reached = frozenset(m for m in ids if m in first_cross and first_cross[m] <= quarter.end)
        raw.active.append(Cell(len(ids), frozenset(ids)))
        raw.reached.append(Cell(len(reached), reached))
        everyone |= ids
    reached_all = frozenset(m for m in everyone if m in first_cross)
    raw.active_period = Cell(len(everyone), frozenset(everyone))
    raw.reached_period = Cell(len(reached_all), reached_all)
    by_org: dict[int, set[int]] = defaultdict(set)
    for member_id in everyone:
        org = raw.member_org[member_id]
        if org is not None:
            by_org[org].add(member_id)
    raw.active_by_org = {org: Cell(len(ids), frozenset(ids)) for org, ids in by_org.items()}
    raw.reached_by_org = {
        org: Cell(len(ids & reached_all), frozenset(ids & reached_all)) for org, ids in by_org.items()
    }


def _circles(raw: RawFigures, db: Session, now: datetime) -> None:
    low, high = _bounds(raw.start, raw.end)
    meetings = db.execute(
        select(Meeting.id, Meeting.circle_id, Meeting.starts_at)
        .join(Circle, Circle.id == Meeting.circle_id)
        .where(Circle.status.in_(HELD_CIRCLES), Meeting.status == "scheduled")
        .where(Meeting.starts_at >= low, Meeting.starts_at < min(high, now))
    ).all()
    ids = [m.id for m in meetings]
    roster: dict[int, set[int]] = defaultdict(set)
    for circle_id, member_id in db.execute(
        select(CircleMember.circle_id, CircleMember.member_id).where(CircleMember.left_at.is_(None))
    ):
        roster[circle_id].add(member_id)
    yes: dict[int, set[int]] = defaultdict(set)
    present: dict[int, set[int]] = defaultdict(set)
    attended = or_(Rsvp.attended.is_(True), and_(Rsvp.attended.is_(None), Rsvp.answer == "yes"))
    for meeting_id, member_id, answer, came in db.execute(
        select(Rsvp.meeting_id, Rsvp.member_id, Rsvp.answer, attended).where(Rsvp.meeting_id.in_(ids))
    ):
        if answer == "yes":
            yes[meeting_id].add(member_id)
        if came:
            present[meeting_id].add(member_id)
    for quarter in raw.quarters:
        held = [m for m in meetings if quarter.contains(m.starts_at)]
        raw.meetings_held.append(len(held))
        raw.circles_met.append(len({m.circle_id for m in held}))
        raw.seats.append(total(Cell(len(roster[m.circle_id]), frozenset(roster[m.circle_id])) for m in held))
        raw.rsvp_yes.append(total(Cell(len(yes[m.id]), frozenset(yes[m.id])) for m in held))
        raw.attended.append(total(Cell(len(present[m.id]), frozenset(present[m.id])) for m in held))


def _meetups(raw: RawFigures, db: Session) -> None:
    low, high = _bounds(raw.start, raw.end)
    meetups = db.scalars(
        select(Meetup).where(Meetup.starts_at >= low, Meetup.starts_at < high).order_by(Meetup.starts_at, Meetup.id)
    ).all()
    for meetup in meetups:
        registrations = db.execute(
            select(MeetupRegistration.member_id, MeetupRegistration.status).where(
                MeetupRegistration.meetup_id == meetup.id
            )
        ).all()
        members = frozenset(m for m, status in registrations if status == "confirmed")
        waiting = frozenset(m for m, status in registrations if status in ("waiting", "offered"))
        # Guests registered by e-mail are no members: negative ids keep them apart from member ids, and
        # guests whose names were already deleted count with ids of their own below any stored guest's.
        by_mail = frozenset(
            -guest_id
            for guest_id in db.scalars(
                select(MeetupGuest.id).where(MeetupGuest.meetup_id == meetup.id, MeetupGuest.status == "confirmed")
            )
        )
        purged = frozenset(
            -(PURGED_GUEST_IDS + meetup.id * PURGED_PER_MEETUP + i) for i in range(meetup.guests_counted)
        )
        confirmed = members | by_mail | purged
        guests = frozenset(m for m in members if raw.member_org.get(m) is None) | by_mail | purged
        raw.meetups.append(
            MeetupFigures(
                title=meetup.title,
                day=_day(meetup.starts_at),
                capacity=meetup.capacity,
                confirmed=Cell(len(confirmed), confirmed),
                waiting=Cell(len(waiting), waiting),
                guests=Cell(len(guests), guests),
            )
        )


def _badges(raw: RawFigures, db: Session) -> None:
    low, high = _bounds(raw.start, raw.end)
    grants = db.execute(
        select(Badge.key, Badge.name_de, Badge.name_en, BadgeGrant.member_id, BadgeGrant.granted_at)
        .join(Badge, Badge.id == BadgeGrant.badge_id)
        .where(BadgeGrant.revoked_at.is_(None), BadgeGrant.granted_at >= low, BadgeGrant.granted_at < high)
    ).all()
    for row in grants:
        raw.badge_names[row.key] = {"de": row.name_de, "en": row.name_en}
    for key in sorted(raw.badge_names):
        raw.badges[key] = [
            total(
                Cell(1, frozenset({row.member_id})) for row in grants if row.key == key and q.contains(row.granted_at)
            )
            for q in raw.quarters
        ]


def _projects(raw: RawFigures, db: Session) -> None:
    """Change projects ("Vorhaben") started, members who checked in on theirs, and their mean confidence."""
    low, high = _bounds(raw.start, raw.end)
    started = db.execute(
        select(Project.member_id, Project.created_at).where(Project.created_at >= low, Project.created_at < high)
    ).all()
    check_ins = db.execute(
        select(CheckIn.member_id, CheckIn.confidence, CheckIn.created_at).where(
            CheckIn.created_at >= low, CheckIn.created_at < high
        )
    ).all()
    for quarter in raw.quarters:
        members = frozenset(m for m, at in started if quarter.contains(at))
        raw.projects_started.append(Cell(len(members), members))
        rows = [(m, confidence) for m, confidence, at in check_ins if quarter.contains(at)]
        people = frozenset(m for m, _ in rows)
        raw.projects_checked_in.append(Cell(len(people), people))
        raw.check_ins.append(Cell(len(rows), people))
        # The mean is about everyone who checked in, so it is shown or hidden with them.
        mean = sum(confidence for _, confidence in rows) / len(rows) if rows else 0.0
        raw.confidence.append(Cell(mean, people))
