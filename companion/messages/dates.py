"""Dates and times in a reader's language with Babel ("Dienstag, 14. Januar 2025, 09:00–10:30 Uhr")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from babel.dates import format_date, format_interval, format_time, get_day_names, get_time_format

from companion.messages.gettext import language_of, text_in


def day_text(day: date, locale: str | None, width: str = "full") -> str:
    """A date in words: "Dienstag, 14. Januar 2025" (full), "14.01.2025" (medium) or "Jan 14, 2025"."""
    return format_date(day, width, locale=language_of(locale))


def weekday_name(index: int, locale: str | None) -> str:
    """The name of a weekday, 0 being Monday ("Dienstag", "Tuesday")."""
    return str(get_day_names("wide", locale=language_of(locale))[index])


def times_text(start: datetime, end: datetime, locale: str | None) -> str:
    """A range of wall-clock times: "09:00–10:30 Uhr" in German, "9:00 – 10:30 AM" in English."""
    language = language_of(locale)
    # The locale's own clock (24 or 12 hours) decides the skeleton; the times are already local.
    skeleton = "Hm" if "H" in str(get_time_format("short", locale=language)) else "hm"
    return format_interval(start.time(), end.time(), skeleton, locale=language)


def when_text(start: datetime, end: datetime, locale: str | None) -> str:
    """A meeting's day and times: "Dienstag, 14. Januar 2025, 09:00–10:30 Uhr"."""
    return f"{day_text(start.date(), locale)}, {times_text(start, end, locale)}"


def moment_text(moment: datetime, locale: str | None) -> str:
    """A deadline's day and time: "16. Januar 2025, 10:00 Uhr" (the moment already in local time)."""
    clock = format_time(moment.time(), "short", locale=language_of(locale))
    return text_in(locale, "%(day)s, %(time)s", day=day_text(moment.date(), locale, "long"), time=clock)


@dataclass(frozen=True)
class Day:
    """A date for a message worded later: put into the reader's format when shown ("22.12.2026")."""

    day: date

    def text(self, locale: str | None) -> str:
        """The date in that language's medium format."""
        return day_text(self.day, locale, "medium")
