"""Texts of the circle service's forum messages from the catalogue: a PM in its member's language, a group post in both.

Every value people typed (circle, season, meetup and organisation names, locations, next steps) is Markdown-escaped in
bodies and kept to one plain line in titles, so it cannot add links, mentions or HTML.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from companion.messages.dates import day_text, moment_text, when_text
from companion.messages.gettext import plural_in, text_in
from companion.messages.markdown import escape_markdown, plain_line

SEPARATOR = "\n\n---\n\n"
# A post in a circle's group is read by members of either language: German first, then English.
GROUP_LOCALES = ("de", "en")
# What Discourse allows in a username; anything else is shown as text, never as a mention.
_USERNAME = re.compile(r"[A-Za-z0-9_.-]+")


@dataclass(frozen=True)
class MeetingLine:
    """One meeting as shown in a message."""

    number: int
    starts_at: datetime  # local time
    ends_at: datetime  # local time
    location: str
    host: str | None
    cancelled: bool = False


def mention(username: str) -> str:
    """An @mention of a forum username (a value that is no valid username is shown escaped, never as a mention)."""
    return f"@{username}" if _USERNAME.fullmatch(username) else escape_markdown(username)


def both_languages(compose: Callable[[str], str]) -> str:
    """A group post's body: the German text, a separator, the English text."""
    return SEPARATOR.join(compose(locale) for locale in GROUP_LOCALES)


def group_title(circle_name: str, compose: Callable[[str], str]) -> str:
    """A group post's title: the circle, then the German and the English subject ("Zirkel 1: Treffen 1 / meeting 1")."""
    return f"{plain_line(circle_name)}: " + " / ".join(compose(locale) for locale in GROUP_LOCALES)


def _meeting_row(line: MeetingLine, locale: str) -> str:
    values = {
        "number": line.number,
        "when": when_text(line.starts_at, line.ends_at, locale),
        "location": escape_markdown(line.location),
    }
    if line.host:
        row = text_in(
            locale, "%(number)s. %(when)s, %(location)s – host: %(host)s", host=escape_markdown(line.host), **values
        )
    else:
        row = text_in(locale, "%(number)s. %(when)s, %(location)s", **values)
    return text_in(locale, "%(meeting)s (cancelled)", meeting=row) if line.cancelled else row


def welcome(
    circle_name: str,
    season_name: str,
    usernames: list[str],
    lines: list[MeetingLine],
    page_url: str,
    locale: str = "de",
) -> tuple[str, str]:
    """Title and body of the one welcome message a member gets, with every date, in the member's language."""
    title = text_in(
        locale, "Welcome to %(circle)s (%(season)s)", circle=plain_line(circle_name), season=plain_line(season_name)
    )
    circle, season = escape_markdown(circle_name), escape_markdown(season_name)
    paragraphs = [
        text_in(locale, "Hello, welcome to **%(circle)s** of the season “%(season)s”!", circle=circle, season=season),
        text_in(locale, "Members: %(people)s", people=", ".join(mention(u) for u in usernames)),
        text_in(locale, "Dates:") + "\n" + "\n".join(_meeting_row(line, locale) for line in lines),
        text_in(locale, "RSVP and the calendar feed: %(url)s", url=page_url),
        text_in(locale, "Before each meeting you get a reminder, and the circle's group gets a thread for it."),
    ]
    return title, "\n\n".join(paragraphs)


def waiting_list(season_name: str, reason: str, locale: str = "de") -> tuple[str, str]:
    """Title and body telling a member they are on the waiting list, in the member's language."""
    title = text_in(locale, "%(season)s: waiting list", season=plain_line(season_name))
    body = text_in(
        locale,
        "We could not place you in a circle of “%(season)s”: %(reason)s "
        "You are on the waiting list and will be asked first when a place frees up.",
        season=escape_markdown(season_name),
        reason=reason,
    )
    return title, body


def meeting_thread(circle_name: str, line: MeetingLine, page_url: str) -> tuple[str, str]:
    """Title and body of the one post per meeting in the circle's group (its discussion thread), in both languages."""

    def subject(locale: str) -> str:
        day = day_text(line.starts_at.date(), locale, "medium")
        return text_in(locale, "meeting %(number)s on %(day)s", number=line.number, day=day)

    def body(locale: str) -> str:
        parts = [
            text_in(
                locale,
                "Meeting %(number)s: %(when)s",
                number=line.number,
                when=when_text(line.starts_at, line.ends_at, locale),
            ),
            text_in(locale, "Place: %(location)s", location=escape_markdown(line.location)),
        ]
        if line.host:
            parts.append(text_in(locale, "Host: %(host)s", host=escape_markdown(line.host)))
        return "\n".join(parts) + "\n\n" + text_in(locale, "Please RSVP: %(url)s", url=page_url)

    return group_title(circle_name, subject), both_languages(body)


def _in_days(days: int, locale: str) -> str:
    return text_in(locale, "tomorrow") if days == 1 else plural_in(locale, "in %(num)d day", "in %(num)d days", days)


def reminder(
    circle_name: str,
    line: MeetingLine,
    days: int,
    links: dict[str, str],
    next_step: str = "",
    check_in_url: str = "",
    locale: str = "de",
) -> tuple[str, str]:
    """Title and body of a personal reminder in the member's language: signed RSVP links, their next step, check-in."""
    when = _in_days(days, locale)
    title = text_in(
        locale,
        "Reminder: %(circle)s, meeting %(number)s %(when)s",
        circle=plain_line(circle_name),
        number=line.number,
        when=when,
    )
    meets = text_in(
        locale,
        "Your %(circle)s meets %(when)s: %(date)s, %(location)s.",
        circle=escape_markdown(circle_name),
        when=when,
        date=when_text(line.starts_at, line.ends_at, locale),
        location=escape_markdown(line.location),
    )
    if line.host:
        meets += " " + text_in(locale, "Host: %(host)s.", host=escape_markdown(line.host))
    labels = {
        "yes": text_in(locale, "Yes, I am coming"),
        "maybe": text_in(locale, "Maybe"),
        "no": text_in(locale, "No, I cannot come"),
    }
    answers = [f"- [{label}]({links[answer]})" for answer, label in labels.items()]
    paragraphs = [meets, text_in(locale, "Will you come?") + "\n" + "\n".join(answers)]
    if next_step:
        paragraphs.append(text_in(locale, "Your next step: %(step)s", step=escape_markdown(next_step)))
    if check_in_url:
        paragraphs.append(text_in(locale, "A short check-in before the meeting: %(url)s", url=check_in_url))
    return title, "\n\n".join(paragraphs)


def meeting_changed(
    circle_name: str, line: MeetingLine, previous: MeetingLine | None, page_url: str
) -> tuple[str, str]:
    """Title and body announcing a moved or cancelled meeting in the circle's group, in both languages."""

    def subject(locale: str) -> str:
        if line.cancelled:
            return text_in(locale, "meeting %(number)s cancelled", number=line.number)
        return text_in(locale, "meeting %(number)s changed", number=line.number)

    def body(locale: str) -> str:
        when = when_text(line.starts_at, line.ends_at, locale)
        if line.cancelled:
            news = text_in(locale, "Meeting %(number)s on %(when)s is cancelled.", number=line.number, when=when)
        elif previous is not None:
            news = text_in(
                locale,
                "New date of meeting %(number)s: %(when)s, %(location)s (was %(before)s).",
                number=line.number,
                when=when,
                location=escape_markdown(line.location),
                before=when_text(previous.starts_at, previous.ends_at, locale),
            )
        else:
            news = text_in(
                locale,
                "New date of meeting %(number)s: %(when)s, %(location)s.",
                number=line.number,
                when=when,
                location=escape_markdown(line.location),
            )
        return news + "\n\n" + text_in(locale, "Details and calendar: %(url)s", url=page_url)

    return group_title(circle_name, subject), both_languages(body)


def member_left(circle_name: str, username: str | None) -> tuple[str, str]:
    """Title and body telling a circle's group, in both languages, that a member left."""
    circle = escape_markdown(circle_name)

    def body(locale: str) -> str:
        if username:
            return text_in(
                locale,
                "%(member)s has left %(circle)s. The dates stay as planned.",
                member=mention(username),
                circle=circle,
            )
        return text_in(locale, "A member has left %(circle)s. The dates stay as planned.", circle=circle)

    return group_title(circle_name, lambda locale: text_in(locale, "membership change")), both_languages(body)


def meetup_offer(
    meetup_title: str, starts_at: datetime, ends_at: datetime, offered_until: datetime, url: str, locale: str = "de"
) -> tuple[str, str]:
    """Title and body offering a freed meetup seat to the next person waiting, in that member's language."""
    title = text_in(locale, "A seat is free: %(meetup)s", meetup=plain_line(meetup_title))
    body = text_in(
        locale,
        "A seat at the meetup “%(meetup)s” (%(when)s) is free for you. "
        "Please confirm by %(until)s, otherwise it goes to the next person: %(url)s",
        meetup=escape_markdown(meetup_title),
        when=when_text(starts_at, ends_at, locale),
        until=moment_text(offered_until, locale),
        url=url,
    )
    return title, body
