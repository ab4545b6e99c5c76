"""School holidays and closure days as admins enter them: date ranges typed one per line, or an ICS file."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from icalendar import Calendar

from companion.circles.errors import SeasonInvalid

_DATE = r"(\d{4}-\d{2}-\d{2}|\d{1,2}\.\d{1,2}\.\d{4})"
_RANGE = re.compile(rf"^\s*{_DATE}\s*(?:(?:-|–|—|bis)\s*{_DATE})?\s*$")


def parse_day(text: str) -> date:
    """A date written as 2026-12-24 or 24.12.2026."""
    text = text.strip()
    if "." in text:
        day, month, year = (int(part) for part in text.split("."))
        return date(year, month, day)
    return date.fromisoformat(text)


def parse_ranges(text: str) -> list[list[str]]:
    """Date ranges, one per line ("22.12.2026 – 06.01.2027" or a single day), as [first, last] ISO pairs."""
    ranges, problems = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _RANGE.match(line)
        try:
            if match is None:
                raise ValueError(line)
            first = parse_day(match.group(1))
            last = parse_day(match.group(2)) if match.group(2) else first
        except ValueError:
            problems.append(
                _(
                    "Line %(number)s: “%(text)s” is not a date or a range like 22.12.2026 – 06.01.2027.",
                    number=number,
                    text=line.strip(),
                )
            )
            continue
        if last < first:
            problems.append(_("Line %(number)s: the range ends before it starts.", number=number))
            continue
        ranges.append([first.isoformat(), last.isoformat()])
    if problems:
        raise SeasonInvalid(problems)
    return ranges


def parse_days(text: str) -> list[str]:
    """Single days separated by commas or new lines, as sorted ISO dates."""
    days, problems = set(), []
    for part in re.split(r"[,;\n]", text):
        if not part.strip():
            continue
        try:
            days.add(parse_day(part).isoformat())
        except ValueError:
            problems.append(_("“%(text)s” is not a date like 24.12.2026.", text=part.strip()))
    if problems:
        raise SeasonInvalid(problems)
    return sorted(days)


def _as_date(value: Any) -> date:
    return value.date() if isinstance(value, datetime) else value


def ranges_from_ics(data: bytes) -> list[list[str]]:
    """The all-day events of an ICS file (e.g. a ministry's school holiday calendar) as [first, last] ISO pairs."""
    try:
        calendar = Calendar.from_ical(data)
    except ValueError as error:
        raise SeasonInvalid([_("The file is not a readable ICS calendar.")]) from error
    ranges = []
    for event in calendar.walk("VEVENT"):
        if event.get("DTSTART") is None:
            continue
        first = _as_date(event.decoded("DTSTART"))
        if event.get("DTEND") is not None:
            # DTEND of an all-day event is the day after the last one (RFC 5545, 3.6.1).
            end = event.decoded("DTEND")
            last = _as_date(end) - timedelta(days=1) if not isinstance(end, datetime) else _as_date(end)
        else:
            last = first
        ranges.append([first.isoformat(), max(first, last).isoformat()])
    if not ranges:
        raise SeasonInvalid([_("The ICS file contains no events.")])
    return sorted(ranges)


def format_ranges(ranges: list[list[str]]) -> str:
    """Ranges as the form shows them: one German "first – last" per line."""
    lines = []
    for first, last in ranges:
        a, b = date.fromisoformat(first), date.fromisoformat(last)
        lines.append(f"{a:%d.%m.%Y}" if a == b else f"{a:%d.%m.%Y} – {b:%d.%m.%Y}")
    return "\n".join(lines)


def format_days(days: list[date]) -> str:
    """Days as the form shows them, comma-separated German dates."""
    return ", ".join(f"{d:%d.%m.%Y}" for d in days)
