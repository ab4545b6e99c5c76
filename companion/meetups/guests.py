"""Guests without a forum account: register for a meetup by name and e-mail, confirm by link, cancel by link.

Guests count against the meetup's capacity like members; a guest over capacity waits. Their names and
addresses are deleted a configured number of days after the meetup (GDPR: kept no longer than needed).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from companion.circles.errors import MeetupRefused
from companion.meetups.registration import seats_left
from companion.meetups.states import GUEST, GuestStatus
from companion.store.models import Meetup, MeetupGuest

_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")


def token_hash(token: str) -> str:
    """The stored form of a guest's link token (the token itself is only in their e-mail)."""
    return hashlib.sha256(token.encode()).hexdigest()


def guest_by_token(session: Session, token: str) -> MeetupGuest | None:
    """The guest whose e-mail carries this token, or None."""
    return session.scalar(select(MeetupGuest).where(MeetupGuest.token_hash == token_hash(token)))


def register_guest(
    session: Session, meetup: Meetup, name: str, email: str, *, now: datetime
) -> tuple[MeetupGuest, str]:
    """Record an unconfirmed registration and return it with the token for the confirmation e-mail."""
    clean_name = " ".join((name or "").split())[:120]
    address = (email or "").strip().lower()
    if not clean_name:
        raise MeetupRefused("please give your name")
    if not _EMAIL.match(address) or len(address) > 254:
        raise MeetupRefused("please give a valid e-mail address")
    if meetup.ends_at <= now:
        raise MeetupRefused("this meetup is over")
    token = secrets.token_urlsafe(32)
    existing = session.scalar(
        select(MeetupGuest).where(MeetupGuest.meetup_id == meetup.id, MeetupGuest.email == address)
    )
    if existing is not None:
        if existing.status in (GuestStatus.CONFIRMED, GuestStatus.WAITING):
            raise MeetupRefused("this address is already registered; the e-mail has a cancellation link")
        # A new link for an unconfirmed or cancelled registration: the old link stops working.
        if existing.status != GuestStatus.UNCONFIRMED:
            GUEST.move(existing, GuestStatus.UNCONFIRMED)
        existing.name, existing.token_hash = clean_name, token_hash(token)
        existing.created_at, existing.confirmed_at = now, None
        session.flush()
        return existing, token
    guest = MeetupGuest(
        meetup_id=meetup.id, name=clean_name, email=address, token_hash=token_hash(token), created_at=now
    )
    session.add(guest)
    session.flush()
    return guest, token


def confirm_guest(session: Session, guest: MeetupGuest, *, now: datetime) -> MeetupGuest:
    """The double opt-in's second step: a seat when one is free, else the waiting list."""
    if guest.status in (GuestStatus.CONFIRMED, GuestStatus.WAITING):
        return guest
    if guest.status == GuestStatus.CANCELLED:
        raise MeetupRefused("this registration was cancelled")
    meetup = session.get(Meetup, guest.meetup_id)
    if meetup is None or meetup.ends_at <= now:
        raise MeetupRefused("this meetup is over")
    # Lock order: count, then decide, inside the caller's transaction (PostgreSQL serialises on the meetup row).
    session.execute(select(Meetup.id).where(Meetup.id == meetup.id).with_for_update())
    GUEST.move(guest, GuestStatus.CONFIRMED if seats_left(session, meetup) > 0 else GuestStatus.WAITING)
    guest.confirmed_at = now
    session.flush()
    return guest


def cancel_guest(session: Session, guest: MeetupGuest, *, now: datetime) -> MeetupGuest | None:
    """Cancel the registration; a freed seat goes to the longest-waiting guest, who is returned to be told."""
    held = guest.status == GuestStatus.CONFIRMED
    GUEST.move(guest, GuestStatus.CANCELLED)
    session.flush()
    if not held:
        return None
    meetup = session.get(Meetup, guest.meetup_id)
    if meetup is None or seats_left(session, meetup) <= 0:
        return None
    following = session.scalar(
        select(MeetupGuest)
        .where(MeetupGuest.meetup_id == guest.meetup_id, MeetupGuest.status == GuestStatus.WAITING)
        .order_by(MeetupGuest.confirmed_at, MeetupGuest.id)
        .limit(1)
    )
    if following is not None:
        GUEST.move(following, GuestStatus.CONFIRMED)
        session.flush()
    return following


def purge_guests(session: Session, *, now: datetime, retention_days: int) -> int:
    """Delete guests of meetups that ended more than retention_days ago; returns how many were deleted."""
    ended = select(Meetup.id).where(Meetup.ends_at < now - timedelta(days=retention_days))
    # The report still needs how many guests came: keep the number, delete who they were.
    confirmed = session.execute(
        select(MeetupGuest.meetup_id, func.count())
        .where(MeetupGuest.meetup_id.in_(ended), MeetupGuest.status == GuestStatus.CONFIRMED)
        .group_by(MeetupGuest.meetup_id)
    ).all()
    for meetup_id, count in confirmed:
        meetup = session.get(Meetup, meetup_id)
        if meetup is not None:
            meetup.guests_counted = (meetup.guests_counted or 0) + int(count)
    result = session.execute(delete(MeetupGuest).where(MeetupGuest.meetup_id.in_(ended)))
    return int(getattr(result, "rowcount", 0) or 0)
