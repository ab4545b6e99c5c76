"""ICS calendar feeds per circle and per member at unguessable, revocable URLs."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import icalendar
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from companion.circles.common import local
from companion.circles.links import circle_url
from companion.circles.states import VISIBLE, MeetingStatus
from companion.circles.timezones import compact_vtimezone
from companion.messages.gettext import text_in
from companion.store.models import (
    CalendarToken,
    Circle,
    CircleMember,
    Meeting,
    Meetup,
    MeetupRegistration,
    Member,
    Organisation,
    Season,
)
from companion.store.rows import require

PRODID = "-//Companion//Zirkel//DE"


def new_token() -> str:
    """An unguessable token (256 bits of randomness)."""
    return secrets.token_urlsafe(32)


def _owned_by(query: Select[Any], member: Member | None, circle: Circle | None) -> Select[Any]:
    if member is not None:
        return query.where(CalendarToken.member_id == member.id)
    if circle is not None:
        return query.where(CalendarToken.circle_id == circle.id)
    raise ValueError("a calendar token belongs to a member or a circle")


def current_token(session: Session, *, member: Member | None = None, circle: Circle | None = None) -> CalendarToken:
    """The owner's active token, created on first use."""
    if (member is None) == (circle is None):
        raise ValueError("a calendar token belongs to exactly one member or one circle")
    query = _owned_by(select(CalendarToken).where(CalendarToken.revoked_at.is_(None)), member, circle)
    token = session.scalar(query.order_by(CalendarToken.created_at.desc()))
    if token is None:
        token = CalendarToken(
            token=new_token(), member_id=member.id if member else None, circle_id=circle.id if circle else None
        )
        session.add(token)
        session.flush()
    return token


def revoke_tokens(
    session: Session, *, now: datetime, member: Member | None = None, circle: Circle | None = None
) -> int:
    """Revoke the owner's active tokens (their URLs answer 404 from now on); returns how many."""
    query = _owned_by(select(CalendarToken).where(CalendarToken.revoked_at.is_(None)), member, circle)
    tokens = session.scalars(query).all()
    for token in tokens:
        token.revoked_at = now
    session.flush()
    return len(tokens)


def renew_token(
    session: Session, *, now: datetime, member: Member | None = None, circle: Circle | None = None
) -> CalendarToken:
    """Revoke the owner's tokens and issue a new one."""
    revoke_tokens(session, now=now, member=member, circle=circle)
    return current_token(session, member=member, circle=circle)


def feed_locale(session: Session, token: str, default: str = "de") -> str:
    """The language of a feed: its member's for a member's feed, the network's for a circle's feed (shared)."""
    from companion.suggestions.feedback import member_locale

    row = session.get(CalendarToken, token)
    member = session.get(Member, row.member_id) if row is not None and row.member_id is not None else None
    return member_locale(member, default) if member is not None else default


def feed_meetings(session: Session, token: str, locale: str = "de") -> tuple[str, list[tuple[Meeting, Circle]]] | None:
    """The feed's name and meetings behind an active token, or None when unknown or revoked."""
    row = session.get(CalendarToken, token)
    if row is None or row.revoked_at is not None:
        return None
    query = select(Meeting, Circle).join(Circle, Circle.id == Meeting.circle_id).where(Circle.status.in_(VISIBLE))
    if row.circle_id is not None:
        circle = require(session, Circle, row.circle_id)
        name = f"{circle.name} · {circle.season.name}"
        query = query.where(Circle.id == row.circle_id)
    else:
        name = text_in(locale, "My circles")
        query = (
            query.join(CircleMember, CircleMember.circle_id == Circle.id)
            .where(CircleMember.member_id == row.member_id)
            .where(CircleMember.left_at.is_(None))
        )
    return name, [(meeting, circle) for meeting, circle in session.execute(query.order_by(Meeting.starts_at))]


def feed_meetups(session: Session, token: str) -> list[Meetup]:
    """The meetups the token's member has a confirmed seat at (a circle's feed has none)."""
    row = session.get(CalendarToken, token)
    if row is None or row.revoked_at is not None or row.member_id is None:
        return []
    query = (
        select(Meetup)
        .join(MeetupRegistration, MeetupRegistration.meetup_id == Meetup.id)
        .where(MeetupRegistration.member_id == row.member_id, MeetupRegistration.status == "confirmed")
        .order_by(Meetup.starts_at)
    )
    return list(session.scalars(query))


def build_ics(
    session: Session,
    name: str,
    meetings: list[tuple[Meeting, Circle]],
    settings,
    *,
    generated_at: datetime,
    meetups: Sequence[Meetup] = (),
    locale: str = "de",
) -> bytes:
    """An iCalendar document: one VEVENT per meeting (and booked meetup) with a stable UID, local TZID, SEQUENCE."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.timezone)
    for meeting, circle in meetings:
        season = require(session, Season, circle.season_id)
        host = session.get(Organisation, meeting.host_organisation_id) if meeting.host_organisation_id else None
        event = icalendar.Event()
        event.add("uid", meeting.uid)
        event.add("dtstamp", generated_at)
        event.add("dtstart", local(meeting.starts_at, settings))
        event.add("dtend", local(meeting.ends_at, settings))
        summary = text_in(
            locale,
            "%(circle)s: meeting %(number)s (%(season)s)",
            circle=circle.name,
            number=meeting.number,
            season=season.name,
        )
        event.add("summary", summary)
        description = text_in(locale, "Circle page: %(url)s", url=circle_url(settings, circle.id))
        if host:
            description = text_in(locale, "Host: %(host)s", host=host.name) + "\n" + description
        event.add("description", description)
        event.add("location", meeting.location)
        event.add("sequence", meeting.sequence)
        event.add("status", "CANCELLED" if meeting.status == MeetingStatus.CANCELLED else "CONFIRMED")
        event.add("url", circle_url(settings, circle.id))
        calendar.add_component(event)
    for meetup in meetups:
        event = icalendar.Event()
        event.add("uid", f"meetup-{meetup.id}@companion-meetups")
        event.add("dtstamp", generated_at)
        event.add("dtstart", local(meetup.starts_at, settings))
        event.add("dtend", local(meetup.ends_at, settings))
        event.add("summary", f"Meetup: {meetup.title}")
        if meetup.description:
            event.add("description", meetup.description)
        if meetup.location:
            event.add("location", meetup.location)
        event.add("status", "CONFIRMED")
        calendar.add_component(event)
    # A compact zone (two yearly rules) rather than icalendar's full transition history, which some
    # clients (vobject, and calendars built on it) read wrongly: summer-time events came out an hour late.
    calendar.add_component(compact_vtimezone(settings.timezone))
    return calendar.to_ical()
