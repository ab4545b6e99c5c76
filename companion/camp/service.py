"""The camp: creating it, session proposals from members and guests, interest votes, the grid, the forum post."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from companion.camp.states import CAMP, CampStatus
from companion.circles.common import audit
from companion.circles.errors import CirclesError
from companion.messages.dates import day_text
from companion.messages.gettext import text_in
from companion.messages.markdown import escape_markdown, plain_line
from companion.outbox.delivery import enqueue_once
from companion.settings import Settings
from companion.store.models import Camp, CampSession, CampVote, Member
from matching.camp.grid import CampSessionInput, Room, build_grid

_ROOM = re.compile(r"^\s*(?P<name>[^:]{1,100}?)\s*:\s*(?P<capacity>\d{1,5})\s*$")
_SLOT = re.compile(r"^\s*(?P<start>\d{1,2}:\d{2})\s*[-–]\s*(?P<end>\d{1,2}:\d{2})\s*$")


class CampRefused(CirclesError):
    """A camp action cannot be done; the message says why."""


@dataclass(frozen=True)
class CampSpec:
    """What an admin enters for a camp: rooms as "Name: capacity" and slots as "HH:MM-HH:MM", one per line."""

    name: str
    day: date
    location: str
    rooms: str
    slots: str


def parse_rooms(text: str) -> list[dict[str, object]]:
    """Rooms from lines like "Saal: 60"; raises CampRefused naming the line that is wrong."""
    rooms = []
    for line in filter(None, (part.strip() for part in re.split(r"[\n,;]", text or ""))):
        match = _ROOM.match(line)
        if not match or int(match["capacity"]) < 1:
            raise CampRefused("room “%(line)s”: write it as “Name: capacity”", line=line)
        rooms.append({"name": match["name"], "capacity": int(match["capacity"])})
    if not rooms:
        raise CampRefused("the camp needs at least one room")
    if len({r["name"] for r in rooms}) != len(rooms):
        raise CampRefused("two rooms have the same name")
    return rooms


def _clock(text: str) -> time:
    hours, minutes = (int(part) for part in text.split(":"))
    return time(hours, minutes)


def parse_slots(text: str) -> list[dict[str, str]]:
    """Time slots from lines like "10:00-10:45", in order and not overlapping."""
    slots: list[dict[str, str]] = []
    for line in filter(None, (part.strip() for part in re.split(r"[\n,;]", text or ""))):
        match = _SLOT.match(line)
        try:
            start, end = (_clock(match["start"]), _clock(match["end"])) if match else (None, None)
        except ValueError:
            start = end = None
        if start is None or end is None or end <= start:
            raise CampRefused("slot “%(line)s”: write it as “HH:MM-HH:MM”", line=line)
        if slots and _clock(slots[-1]["end"]) > start:
            raise CampRefused("slot “%(line)s” starts before the previous one ends", line=line)
        slots.append({"start": start.strftime("%H:%M"), "end": end.strftime("%H:%M")})
    if not slots:
        raise CampRefused("the camp needs at least one time slot")
    return slots


def create_camp(session: Session, spec: CampSpec, *, actor: str) -> Camp:
    """Validate and store a camp, open for proposals and votes."""
    name = " ".join(spec.name.split())
    if not name:
        raise CampRefused("the camp needs a name")
    if session.scalar(select(Camp).where(Camp.name == name)) is not None:
        raise CampRefused("a camp named “%(name)s” exists", name=name)
    camp = Camp(
        name=name,
        day=spec.day,
        location=spec.location.strip(),
        rooms=parse_rooms(spec.rooms),
        slots=parse_slots(spec.slots),
    )
    session.add(camp)
    session.flush()
    audit(session, actor, "camp.create", f"camp:{camp.id}", {"name": camp.name})
    return camp


def propose_session(
    session: Session,
    camp: Camp,
    title: str,
    description: str = "",
    *,
    member: Member | None = None,
    guest_name: str = "",
) -> CampSession:
    """Add a session proposal by a member or by a guest who gives a name."""
    if camp.status != CampStatus.OPEN:
        raise CampRefused("proposals are closed")
    clean = " ".join((title or "").split())[:200]
    if not clean:
        raise CampRefused("a session needs a title")
    name = " ".join((guest_name or "").split())[:120]
    if member is None and not name:
        raise CampRefused("please give your name")
    row = CampSession(
        camp_id=camp.id,
        title=clean,
        description=(description or "").strip()[:2000],
        proposer_id=member.id if member else None,
        proposer_name="" if member else name,
    )
    session.add(row)
    session.flush()
    return row


def toggle_vote(session: Session, camp_session: CampSession, member: Member) -> bool:
    """Add the member's interest in a session, or take it back; returns whether the member is now interested."""
    camp = session.get(Camp, camp_session.camp_id)
    if camp is None or camp.status != CampStatus.OPEN:
        raise CampRefused("voting is closed")
    existing = session.get(CampVote, (camp_session.id, member.id))
    if existing is not None:
        session.delete(existing)
        session.flush()
        return False
    session.add(CampVote(session_id=camp_session.id, member_id=member.id))
    session.flush()
    return True


def vote_counts(session: Session, camp: Camp) -> dict[int, int]:
    """Interest votes per session."""
    rows = session.execute(
        select(CampVote.session_id, func.count())
        .join(CampSession, CampSession.id == CampVote.session_id)
        .where(CampSession.camp_id == camp.id)
        .group_by(CampVote.session_id)
    ).all()
    return {int(session_id): int(count) for session_id, count in rows}


def plan_grid(session: Session, camp: Camp, *, actor: str) -> tuple[int, list[CampSession]]:
    """Build the grid from the votes and store each session's slot and room; returns conflicts and left-out sessions."""
    if camp.status == CampStatus.PUBLISHED:
        raise CampRefused("the grid was already posted")
    voters: dict[int, set[str]] = {s.id: set() for s in camp.sessions}
    for vote in session.scalars(
        select(CampVote).join(CampSession, CampSession.id == CampVote.session_id).where(CampSession.camp_id == camp.id)
    ):
        voters[vote.session_id].add(str(vote.member_id))
    grid = build_grid(
        [CampSessionInput(i, frozenset(v)) for i, v in voters.items()],
        [Room(str(r["name"]), int(r["capacity"])) for r in camp.rooms],
        len(camp.slots),
    )
    placed = {p.session_id: p for p in grid.placements}
    for row in camp.sessions:
        placement = placed.get(row.id)
        row.slot, row.room = (placement.slot, placement.room) if placement else (None, None)
    CAMP.move(camp, CampStatus.PLANNED)
    session.flush()
    audit(
        session, actor, "camp.plan", f"camp:{camp.id}", {"conflicts": grid.conflicts, "left_out": list(grid.left_out)}
    )
    return grid.conflicts, [row for row in camp.sessions if row.id in grid.left_out]


def slot_times(camp: Camp, slot: int) -> tuple[time, time]:
    """Local start and end of a slot."""
    entry = camp.slots[slot]
    return _clock(entry["start"]), _clock(entry["end"])


def grid_rows(camp: Camp) -> list[tuple[dict[str, str], list[CampSession | None]]]:
    """The grid as rows (one per slot) of cells (one per room, in the camp's room order)."""
    by_cell = {(s.slot, s.room): s for s in camp.sessions if s.slot is not None}
    return [
        (entry, [by_cell.get((index, str(room["name"]))) for room in camp.rooms])
        for index, entry in enumerate(camp.slots)
    ]


def grid_key(camp: Camp) -> str:
    """The outbox key of the camp's grid topic (posted once)."""
    return f"camp-grid:{camp.id}"


def grid_markdown(camp: Camp, locale: str = "de") -> str:
    """The grid as a Markdown table in the network's language: slots down, rooms across."""
    rooms = " | ".join(escape_markdown(str(r["name"])) for r in camp.rooms)
    header = "| " + text_in(locale, "Time") + f" | {rooms} |"
    intro = text_in(
        locale,
        "The plan for %(camp)s on %(day)s.",
        camp=escape_markdown(camp.name),
        day=day_text(camp.day, locale, "medium"),
    )
    lines = [intro, "", header]
    lines.append("|---|" + "---|" * len(camp.rooms))
    for entry, cells in grid_rows(camp):
        titles = [escape_markdown(cell.title) if cell else "–" for cell in cells]
        lines.append(f"| {entry['start']}–{entry['end']} | " + " | ".join(titles) + " |")
    return "\n".join(lines)


def post_grid(session: Session, camp: Camp, settings: Settings, *, actor: str) -> bool:
    """Queue the grid topic once and mark the camp published; False when it was queued before."""
    if camp.status == CampStatus.OPEN:
        raise CampRefused("build the grid first")
    if not settings.sharing_category_id:
        raise CampRefused("COMPANION_SHARING_CATEGORY_ID is not set: name the forum category for the grid")
    _, created = enqueue_once(
        session,
        key=grid_key(camp),
        kind="topic",
        payload={
            "title": text_in(settings.default_locale, "Session plan: %(camp)s", camp=plain_line(camp.name)),
            "raw": grid_markdown(camp, settings.default_locale),
            "category_id": settings.sharing_category_id,
            "tags": ["camp"],
        },
    )
    if camp.status != CampStatus.PUBLISHED:
        CAMP.move(camp, CampStatus.PUBLISHED)
    session.flush()
    if created:
        audit(session, actor, "camp.post", f"camp:{camp.id}", {})
    return created


def session_ics(camp: Camp, camp_session: CampSession, settings: Settings, *, generated_at: datetime) -> bytes:
    """One session as an iCalendar event (UTC times, a stable UID)."""
    from zoneinfo import ZoneInfo

    import icalendar

    if camp_session.slot is None:
        raise CampRefused("this session has no slot yet")
    zone = ZoneInfo(settings.timezone)
    start, end = slot_times(camp, camp_session.slot)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Verwaltungsrebellen Companion//Camp//DE")
    calendar.add("version", "2.0")
    event = icalendar.Event()
    event.add("uid", f"camp-{camp.id}-session-{camp_session.id}@companion")
    event.add("summary", camp_session.title)
    event.add("dtstart", datetime.combine(camp.day, start, zone).astimezone(ZoneInfo("UTC")))
    event.add("dtend", datetime.combine(camp.day, end, zone).astimezone(ZoneInfo("UTC")))
    event.add("dtstamp", generated_at.astimezone(ZoneInfo("UTC")))
    event.add("location", ", ".join(part for part in (camp_session.room or "", camp.location) if part))
    if camp_session.description:
        event.add("description", camp_session.description)
    calendar.add_component(event)
    return calendar.to_ical()
