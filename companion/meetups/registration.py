"""Meetups: open events with a capacity and a first-come waiting list; a freed seat is offered to the next person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from companion.circles import messages
from companion.circles.common import audit, local
from companion.circles.errors import MeetupInvalid, MeetupRefused
from companion.circles.links import meetup_url
from companion.circles.outbox import pm
from companion.meetups.states import ACTIVE, HOLDING, REGISTRATION, RegistrationStatus
from companion.store.models import Meetup, MeetupGuest, MeetupRegistration, Member
from companion.store.rows import require
from companion.suggestions.feedback import member_locale


@dataclass(frozen=True)
class MeetupSpec:
    """What an admin enters for a meetup."""

    title: str
    starts_at: datetime
    ends_at: datetime
    capacity: int = 24
    location: str = ""
    description: str = ""
    confirm_hours: int = 48


def _validate(spec: MeetupSpec) -> list[str]:
    problems = []
    if not spec.title.strip():
        problems.append(_("the meetup needs a title"))
    if spec.starts_at.tzinfo is None or spec.ends_at.tzinfo is None:
        problems.append(_("start and end need a time zone"))
    elif spec.ends_at <= spec.starts_at:
        problems.append(_("the meetup must end after it starts"))
    if not 1 <= spec.capacity <= 10_000:
        problems.append(_("capacity must be 1 to 10000"))
    if not 1 <= spec.confirm_hours <= 24 * 14:
        problems.append(_("the confirmation window must be 1 hour to 14 days"))
    return problems


def create_meetup(session: Session, spec: MeetupSpec, *, actor: str) -> Meetup:
    """Validate and store a meetup."""
    problems = _validate(spec)
    if problems:
        raise MeetupInvalid(problems)
    meetup = Meetup(
        title=spec.title.strip(),
        description=spec.description,
        starts_at=spec.starts_at,
        ends_at=spec.ends_at,
        location=spec.location,
        capacity=spec.capacity,
        confirm_hours=spec.confirm_hours,
    )
    session.add(meetup)
    session.flush()
    audit(
        session,
        actor,
        "circles.meetup.create",
        f"meetup:{meetup.id}",
        {"title": meetup.title, "capacity": meetup.capacity},
    )
    return meetup


def seats_taken(session: Session, meetup: Meetup) -> int:
    """Seats held by confirmed members, by open offers and by confirmed guests without a forum account."""
    members = session.scalar(
        select(func.count())
        .select_from(MeetupRegistration)
        .where(MeetupRegistration.meetup_id == meetup.id)
        .where(MeetupRegistration.status.in_(HOLDING))
    )
    guests = session.scalar(
        select(func.count())
        .select_from(MeetupGuest)
        .where(MeetupGuest.meetup_id == meetup.id, MeetupGuest.status == "confirmed")
    )
    return int(members or 0) + int(guests or 0)


def seats_left(session: Session, meetup: Meetup) -> int:
    """Free seats."""
    return max(0, meetup.capacity - seats_taken(session, meetup))


def waiting_position(session: Session, registration: MeetupRegistration) -> int | None:
    """1-based position on the waiting list, or None when not waiting."""
    if registration.status != RegistrationStatus.WAITING:
        return None
    ahead = session.scalar(
        select(func.count())
        .select_from(MeetupRegistration)
        .where(MeetupRegistration.meetup_id == registration.meetup_id)
        .where(MeetupRegistration.status == RegistrationStatus.WAITING)
        .where(
            (MeetupRegistration.registered_at < registration.registered_at)
            | (
                (MeetupRegistration.registered_at == registration.registered_at)
                & (MeetupRegistration.id < registration.id)
            )
        )
    )
    return int(ahead or 0) + 1


def registration_of(session: Session, meetup: Meetup, member: Member) -> MeetupRegistration | None:
    """The member's registration for the meetup, if any."""
    return session.scalar(
        select(MeetupRegistration).where(
            MeetupRegistration.meetup_id == meetup.id, MeetupRegistration.member_id == member.id
        )
    )


def register(session: Session, meetup: Meetup, member: Member, *, now: datetime) -> MeetupRegistration:
    """A seat when one is free, else a place at the end of the waiting list; registering again changes nothing."""
    if now >= meetup.starts_at:
        raise MeetupRefused("this meetup has already started")
    registration = registration_of(session, meetup, member)
    if registration is not None and registration.status in ACTIVE:
        return registration
    # Lock the meetup row so two concurrent registrations cannot both take the last seat (PostgreSQL).
    session.execute(select(Meetup.id).where(Meetup.id == meetup.id).with_for_update())
    free = seats_left(session, meetup) > 0 and not _anyone_waiting(session, meetup)
    status = RegistrationStatus.CONFIRMED if free else RegistrationStatus.WAITING
    if registration is None:
        registration = MeetupRegistration(meetup_id=meetup.id, member_id=member.id, status=status, registered_at=now)
        session.add(registration)
    else:
        REGISTRATION.move(registration, status)
        registration.registered_at, registration.offered_until = now, None
    session.flush()
    return registration


def _anyone_waiting(session: Session, meetup: Meetup) -> bool:
    return (
        session.scalar(
            select(MeetupRegistration.id)
            .where(MeetupRegistration.meetup_id == meetup.id)
            .where(MeetupRegistration.status == RegistrationStatus.WAITING)
            .limit(1)
        )
        is not None
    )


def cancel_registration(session: Session, registration: MeetupRegistration, *, now: datetime, settings=None) -> bool:
    """Give up a seat, offer or waiting place; a freed seat goes to the next person. False when nothing was held."""
    if registration.status not in ACTIVE:
        return False
    freed = registration.status in HOLDING
    REGISTRATION.move(registration, RegistrationStatus.CANCELLED)
    registration.offered_until = None
    session.flush()
    if freed:
        offer_free_seats(session, require(session, Meetup, registration.meetup_id), now=now, settings=settings)
    return True


def confirm_offer(session: Session, registration: MeetupRegistration, *, now: datetime) -> MeetupRegistration:
    """Take an offered seat within its confirmation window."""
    if registration.status == RegistrationStatus.CONFIRMED:
        return registration
    if registration.status != RegistrationStatus.OFFERED:
        raise MeetupRefused("there is no open offer to confirm")
    if registration.offered_until is not None and now > registration.offered_until:
        raise MeetupRefused("the offer has expired and moved on to the next person")
    REGISTRATION.move(registration, RegistrationStatus.CONFIRMED)
    registration.offered_until = None
    session.flush()
    return registration


def offer_free_seats(session: Session, meetup: Meetup, *, now: datetime, settings=None) -> list[MeetupRegistration]:
    """Offer each free seat to the next person waiting, with a confirmation window; they are told by PM."""
    offered = []
    while seats_left(session, meetup) > 0 and now < meetup.starts_at:
        nxt = session.scalar(
            select(MeetupRegistration)
            .where(MeetupRegistration.meetup_id == meetup.id)
            .where(MeetupRegistration.status == RegistrationStatus.WAITING)
            .order_by(MeetupRegistration.registered_at, MeetupRegistration.id)
            .limit(1)
        )
        if nxt is None:
            break
        # The window never runs past the start: an offer must be decidable before the meetup.
        REGISTRATION.move(nxt, RegistrationStatus.OFFERED)
        until = min(now + timedelta(hours=meetup.confirm_hours), meetup.starts_at)
        nxt.offered_until = until
        session.flush()
        offered.append(nxt)
        if settings is not None:
            _tell(session, meetup, nxt, until, settings)
    return offered


def _tell(
    session: Session, meetup: Meetup, registration: MeetupRegistration, offered_until: datetime, settings
) -> None:
    member = require(session, Member, registration.member_id)
    start, end, until = (local(t, settings) for t in (meetup.starts_at, meetup.ends_at, offered_until))
    locale = member_locale(member, settings.default_locale)
    title, raw = messages.meetup_offer(meetup.title, start, end, until, meetup_url(settings, meetup.id), locale)
    key = f"circles:meetup:{meetup.id}:offer:{registration.id}:{offered_until.isoformat()}"
    pm(session, key, [member.username], title, raw, member.id)


def expire_offers(session: Session, *, now: datetime, settings=None) -> int:
    """Expire offers whose window passed and move their seats on to the next person; returns how many expired."""
    expired = session.scalars(
        select(MeetupRegistration)
        .where(MeetupRegistration.status == RegistrationStatus.OFFERED)
        .where(MeetupRegistration.offered_until < now)
    ).all()
    meetups: dict[int, Meetup] = {}
    for registration in expired:
        REGISTRATION.move(registration, RegistrationStatus.EXPIRED)
        meetups[registration.meetup_id] = require(session, Meetup, registration.meetup_id)
    session.flush()
    for meetup in meetups.values():
        offer_free_seats(session, meetup, now=now, settings=settings)
    return len(expired)


def process_meetup_offers(context, now: datetime) -> int:
    """The worker's job: expire stale offers and pass the seats on."""
    with context.store.transaction() as session:
        return expire_offers(session, now=now, settings=context.settings)


def upcoming_meetups(session: Session, now: datetime) -> list[Meetup]:
    """Meetups that have not ended, soonest first."""
    return list(session.scalars(select(Meetup).where(Meetup.ends_at > now).order_by(Meetup.starts_at)))
