"""Texts of the forum messages the circle service sends: German first, then the English translation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from companion.circles.common import WEEKDAY_NAMES_DE, WEEKDAY_NAMES_EN
from companion.messages.markdown import escape_markdown

SEPARATOR = "\n\n---\n\n"


@dataclass(frozen=True)
class MeetingLine:
    """One meeting as shown in a message."""

    number: int
    starts_at: datetime  # local time
    ends_at: datetime  # local time
    location: str
    host: str | None
    cancelled: bool = False


def when_de(start: datetime, end: datetime) -> str:
    """A German date and time range, e.g. "Dienstag, 14.01.2025, 09:00–10:30 Uhr"."""
    return f"{WEEKDAY_NAMES_DE[start.weekday()]}, {start:%d.%m.%Y}, {start:%H:%M}–{end:%H:%M} Uhr"


def when_en(start: datetime, end: datetime) -> str:
    """An English date and time range, e.g. "Tuesday, 2025-01-14, 09:00–10:30"."""
    return f"{WEEKDAY_NAMES_EN[start.weekday()]}, {start:%Y-%m-%d}, {start:%H:%M}–{end:%H:%M}"


def _meeting_list(lines: list[MeetingLine], locale: str) -> str:
    rows = []
    for line in lines:
        when = when_de(line.starts_at, line.ends_at) if locale == "de" else when_en(line.starts_at, line.ends_at)
        host = ""
        if line.host:
            host = f" – Gastgeber: {line.host}" if locale == "de" else f" – host: {line.host}"
        cancelled = (" (abgesagt)" if locale == "de" else " (cancelled)") if line.cancelled else ""
        rows.append(f"{line.number}. {when}, {line.location}{host}{cancelled}")
    return "\n".join(rows)


def welcome(
    circle_name: str,
    season_name: str,
    usernames: list[str],
    lines: list[MeetingLine],
    page_url: str,
    locale: str = "de",
) -> tuple[str, str]:
    """Title and body of the one welcome message a member gets, with every date, in the member's language."""
    people = ", ".join(f"@{u}" for u in usernames)
    if locale == "en":
        return (
            f"Welcome to {circle_name} ({season_name})",
            f"Hello, welcome to **{circle_name}** of the season “{season_name}”!\n\n"
            f"Members: {people}\n\nDates:\n{_meeting_list(lines, 'en')}\n\n"
            f"RSVP and the calendar feed: {page_url}\n\n"
            "Before each meeting you get a reminder, and the circle's group gets a thread for it.",
        )
    return (
        f"Willkommen im {circle_name} ({season_name})",
        f"Hallo, willkommen im **{circle_name}** der Runde „{season_name}“!\n\n"
        f"Mitglieder: {people}\n\nTermine:\n{_meeting_list(lines, 'de')}\n\n"
        f"Zusagen, Absagen und den Kalender-Feed findest du hier: {page_url}\n\n"
        "Vor jedem Treffen bekommst du eine Erinnerung, und die Gruppe des Zirkels einen Beitrag dazu.",
    )


def waiting_list(season_name: str, reason: str, locale: str = "de") -> tuple[str, str]:
    """Title and body telling a member they are on the waiting list, in the member's language."""
    if locale == "en":
        return (
            f"{season_name}: waiting list",
            f"We could not place you in a circle of “{season_name}”: {reason} "
            "You are on the waiting list and will be asked first when a place frees up.",
        )
    return (
        f"{season_name}: Warteliste",
        f"Für die Runde „{season_name}“ konnten wir dich leider keinem Zirkel zuordnen: {reason} "
        "Du stehst auf der Warteliste und wirst bei freien Plätzen zuerst gefragt.",
    )


def meeting_thread(circle_name: str, line: MeetingLine, page_url: str) -> tuple[str, str]:
    """Title and body of the one message per meeting (its discussion thread)."""
    title = f"{circle_name}: Treffen {line.number} am {line.starts_at:%d.%m.%Y} / meeting {line.number}"
    de = (
        f"Treffen {line.number}: {when_de(line.starts_at, line.ends_at)}\nOrt: {line.location}"
        + (f"\nGastgeber: {line.host}" if line.host else "")
        + f"\n\nBitte sagt zu oder ab: {page_url}"
    )
    en = (
        f"Meeting {line.number}: {when_en(line.starts_at, line.ends_at)}\nPlace: {line.location}"
        + (f"\nHost: {line.host}" if line.host else "")
        + f"\n\nPlease RSVP: {page_url}"
    )
    return title, de + SEPARATOR + en


def reminder(
    circle_name: str,
    line: MeetingLine,
    days: int,
    links: dict[str, str],
    next_step: str = "",
    check_in_url: str = "",
) -> tuple[str, str]:
    """Title and body of a personal reminder with signed RSVP links, the member's own next step and the check-in."""
    when_text = "morgen" if days == 1 else f"in {days} Tagen"
    title = f"Erinnerung: {circle_name}, Treffen {line.number} {when_text} / reminder"
    de = (
        f"Dein {circle_name} trifft sich {when_text}: {when_de(line.starts_at, line.ends_at)}, {line.location}."
        + (f" Gastgeber: {line.host}." if line.host else "")
        + f"\n\nKommst du?\n- [Ja, ich komme]({links['yes']})\n- [Vielleicht]({links['maybe']})"
        + f"\n- [Nein, ich kann nicht]({links['no']})"
        + (f"\n\nDein nächster Schritt: {escape_markdown(next_step)}" if next_step else "")
        + (f"\n\nKurzer Check-in vor dem Treffen: {check_in_url}" if check_in_url else "")
    )
    en_when = "tomorrow" if days == 1 else f"in {days} days"
    en = (
        f"Your {circle_name} meets {en_when}: {when_en(line.starts_at, line.ends_at)}, {line.location}."
        + (f" Host: {line.host}." if line.host else "")
        + f"\n\nWill you come?\n- [Yes]({links['yes']})\n- [Maybe]({links['maybe']})\n- [No]({links['no']})"
        + (f"\n\nYour next step: {escape_markdown(next_step)}" if next_step else "")
        + (f"\n\nA short check-in before the meeting: {check_in_url}" if check_in_url else "")
    )
    return title, de + SEPARATOR + en


def meeting_changed(
    circle_name: str, line: MeetingLine, previous: MeetingLine | None, page_url: str
) -> tuple[str, str]:
    """Title and body announcing a moved or cancelled meeting."""
    if line.cancelled:
        title = f"{circle_name}: Treffen {line.number} abgesagt / meeting {line.number} cancelled"
        de = f"Das Treffen {line.number} am {when_de(line.starts_at, line.ends_at)} fällt aus."
        en = f"Meeting {line.number} on {when_en(line.starts_at, line.ends_at)} is cancelled."
    else:
        title = f"{circle_name}: Treffen {line.number} geändert / meeting {line.number} changed"
        before_de = f" (bisher {when_de(previous.starts_at, previous.ends_at)})" if previous else ""
        before_en = f" (was {when_en(previous.starts_at, previous.ends_at)})" if previous else ""
        de = (
            f"Neuer Termin für Treffen {line.number}: {when_de(line.starts_at, line.ends_at)}, "
            f"{line.location}{before_de}."
        )
        en = f"New date of meeting {line.number}: {when_en(line.starts_at, line.ends_at)}, {line.location}{before_en}."
    de += f"\n\nDetails und Kalender: {page_url}"
    en += f"\n\nDetails and calendar: {page_url}"
    return title, de + SEPARATOR + en


def member_left(circle_name: str, username: str | None) -> tuple[str, str]:
    """Title and body telling a circle that a member left."""
    title = f"{circle_name}: Änderung in der Besetzung / membership change"
    who_de = f"@{username} ist" if username else "Ein Mitglied ist"
    who_en = f"@{username} has" if username else "A member has"
    de = f"{who_de} aus dem {circle_name} ausgetreten. Die Termine bleiben bestehen."
    en = f"{who_en} left {circle_name}. The dates stay as planned."
    return title, de + SEPARATOR + en


def meetup_offer(
    title_of_meetup: str, when_text_de: str, when_text_en: str, until_de: str, until_en: str, url: str
) -> tuple[str, str]:
    """Title and body offering a freed meetup seat to the next person on the waiting list."""
    title = f"Ein Platz ist frei: {title_of_meetup} / a seat is free"
    de = (
        f"Beim Meetup „{title_of_meetup}“ ({when_text_de}) ist ein Platz für dich frei geworden. "
        f"Bitte bestätige bis {until_de}, sonst geht der Platz an die nächste Person: {url}"
    )
    en = (
        f"A seat at the meetup “{title_of_meetup}” ({when_text_en}) is free for you. "
        f"Please confirm by {until_en}, otherwise it goes to the next person: {url}"
    )
    return title, de + SEPARATOR + en
