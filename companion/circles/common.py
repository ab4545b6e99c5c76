"""Small helpers shared by the circle modules: auditing, time zones and the season's time blocks."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from companion.audit.entries import record
from companion.messages.dates import weekday_name
from companion.store.models import Season
from matching.circles.meetings import TimeBlock
from matching.circles.model import Slot

DEFAULT_WEEKDAYS = (0, 1, 2, 3, 4)
BLOCK_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,19}$")
_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def audit(session: Session, actor: str, action: str, subject: str, details: dict[str, Any] | None = None) -> None:
    """Record an admin action in the audit log."""
    record(session, actor, action, subject, details)


def zone(settings) -> ZoneInfo:
    """The network's time zone."""
    return ZoneInfo(settings.timezone)


def local(moment: datetime, settings) -> datetime:
    """An aware datetime in the network's time zone."""
    return moment.astimezone(zone(settings))


def parse_hhmm(raw: str) -> time:
    """A time of day from HH:MM, raising ValueError otherwise."""
    match = _HHMM.match(str(raw).strip())
    if not match:
        raise ValueError(f"{raw!r} is not a time of day as HH:MM")
    return time(int(match.group(1)), int(match.group(2)))


def time_blocks(season: Season) -> list[TimeBlock]:
    """The season's weekly time blocks as matching TimeBlocks."""
    return [
        TimeBlock(
            key=entry["key"],
            start=parse_hhmm(entry["start"]),
            end=parse_hhmm(entry["end"]),
            label_de=entry.get("label_de") or entry["key"],
            label_en=entry.get("label_en") or entry.get("label_de") or entry["key"],
        )
        for entry in season.time_blocks or []
    ]


def block_weekdays(entry: dict[str, Any]) -> tuple[int, ...]:
    """Weekdays (0 = Monday) a time block is offered on; Monday to Friday unless the season says otherwise."""
    return tuple(entry.get("weekdays") or DEFAULT_WEEKDAYS)


def season_slots(season: Season) -> list[Slot]:
    """Every weekly slot the season offers, ordered by weekday and block order."""
    slots = []
    for weekday in range(7):
        for entry in season.time_blocks or []:
            if weekday in block_weekdays(entry):
                slots.append(Slot(weekday, entry["key"]))
    return slots


def block_by_key(season: Season) -> dict[str, TimeBlock]:
    """The season's time blocks by key."""
    return {block.key: block for block in time_blocks(season)}


def slot_label(season: Season, weekday: int, block_key: str, locale: str = "de") -> str:
    """A readable slot such as "Dienstag, Vormittag (09:00–11:00)"."""
    block = block_by_key(season).get(block_key)
    day = weekday_name(weekday, locale)
    if block is None:
        return f"{day}, {block_key}"
    # The block's labels are the admin's data, entered in both languages with the season.
    label = block.label_de if locale == "de" else block.label_en
    return f"{day}, {label} ({block.start:%H:%M}–{block.end:%H:%M})"


def unique(items: Iterable[Any]) -> list[Any]:
    """Items in first-seen order without repeats."""
    return list(dict.fromkeys(items))
