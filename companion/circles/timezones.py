"""A compact VTIMEZONE (one STANDARD and one DAYLIGHT rule) that every common calendar client reads alike."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar

# Transitions are looked up in this year; the rule (e.g. last Sunday of March) is then stated as an RRULE.
REFERENCE_YEAR = 2026


def _transitions(zone: ZoneInfo, year: int) -> list[datetime]:
    """The UTC instants in the year where the zone's offset changes (found hour by hour, then to the minute)."""
    found = []
    moment = datetime(year, 1, 1, tzinfo=UTC)
    end = datetime(year + 1, 1, 1, tzinfo=UTC)
    previous = moment.astimezone(zone).utcoffset()
    while moment < end:
        later = moment + timedelta(hours=1)
        offset = later.astimezone(zone).utcoffset()
        if offset != previous:
            step = moment
            while step.astimezone(zone).utcoffset() == previous:
                step += timedelta(minutes=1)
            found.append(step)
            previous = offset
        moment = later
    return found


def _byday(day: date) -> str:
    """The RRULE BYDAY of a date: "-1SU" for the last Sunday of its month, else "2SU" and so on."""
    names = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
    if (day + timedelta(days=7)).month != day.month:
        return f"-1{names[day.weekday()]}"
    return f"{(day.day - 1) // 7 + 1}{names[day.weekday()]}"


def _onset(year: int, month: int, byday: str) -> date:
    """The day of a month matching BYDAY (e.g. "-1SU"), so DTSTART is the rule's first occurrence."""
    days = [date(year, month, d) for d in range(1, 32) if _valid(year, month, d)]
    return next(day for day in days if _byday(day) == byday or (byday[0] != "-" and _byday_n(day) == byday))


def _valid(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _byday_n(day: date) -> str:
    names = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
    return f"{(day.day - 1) // 7 + 1}{names[day.weekday()]}"


def _component(kind: str, zone: ZoneInfo, instant: datetime, before: timedelta, after: timedelta):
    component = icalendar.TimezoneDaylight() if kind == "DAYLIGHT" else icalendar.TimezoneStandard()
    wall = (instant + before).replace(tzinfo=None)  # the local time on the old offset, as RFC 5545 wants
    component.add("tzname", instant.astimezone(zone).tzname())
    component.add("tzoffsetfrom", before)
    component.add("tzoffsetto", after)
    byday = _byday(wall.date())
    component.add("dtstart", datetime.combine(_onset(1970, wall.month, byday), wall.time()))
    component.add("rrule", {"freq": "yearly", "bymonth": wall.month, "byday": byday})
    return component


def compact_vtimezone(name: str, year: int = REFERENCE_YEAR) -> icalendar.Timezone:
    """The zone as one yearly STANDARD and DAYLIGHT rule (or a single STANDARD for zones without DST)."""
    zone = ZoneInfo(name)
    timezone = icalendar.Timezone()
    timezone.add("tzid", name)
    changes = _transitions(zone, year)
    if len(changes) != 2:
        offset = datetime(year, 1, 1, tzinfo=UTC).astimezone(zone).utcoffset() or timedelta(0)
        standard = icalendar.TimezoneStandard()
        standard.add("tzname", datetime(year, 1, 1, tzinfo=UTC).astimezone(zone).tzname())
        standard.add("tzoffsetfrom", offset)
        standard.add("tzoffsetto", offset)
        standard.add("dtstart", datetime(1970, 1, 1))
        timezone.add_component(standard)
        return timezone
    for instant in changes:
        before = (instant - timedelta(minutes=1)).astimezone(zone).utcoffset() or timedelta(0)
        after = instant.astimezone(zone).utcoffset() or timedelta(0)
        timezone.add_component(_component("DAYLIGHT" if after > before else "STANDARD", zone, instant, before, after))
    return timezone
