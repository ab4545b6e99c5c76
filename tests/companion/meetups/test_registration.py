"""Meetups: capacity, first-come waiting list, offers with a confirmation window that move on when they expire."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from companion.circles.errors import MeetupRefused
from companion.meetups.registration import (
    MeetupSpec,
    cancel_registration,
    confirm_offer,
    create_meetup,
    expire_offers,
    register,
    seats_left,
    waiting_position,
)
from companion.store.models import OutboxItem
from tests.support.circles import add_members

NOW = datetime(2025, 3, 1, 10, 0, tzinfo=UTC)


def _meetup(session, capacity=2, confirm_hours=24):
    return create_meetup(
        session,
        MeetupSpec(
            title="Netzwerktreffen",
            starts_at=NOW + timedelta(days=10),
            ends_at=NOW + timedelta(days=10, hours=3),
            capacity=capacity,
            location="Essen",
            confirm_hours=confirm_hours,
        ),
        actor="admin",
    )


def test_invalid_meetups_are_refused(store):
    with store.transaction() as session:
        with pytest.raises(MeetupRefused, match="end after it starts"):
            create_meetup(session, MeetupSpec(title="x", starts_at=NOW, ends_at=NOW), actor="admin")
        with pytest.raises(MeetupRefused, match="capacity"):
            create_meetup(
                session,
                MeetupSpec(title="x", starts_at=NOW, ends_at=NOW + timedelta(hours=1), capacity=0),
                actor="admin",
            )


def test_seats_then_waiting_list_in_order(store):
    with store.transaction() as session:
        meetup = _meetup(session)
        people = add_members(session, 4)
        regs = [register(session, meetup, p, now=NOW + timedelta(minutes=i)) for i, p in enumerate(people)]
        assert [r.status for r in regs] == ["confirmed", "confirmed", "waiting", "waiting"]
        assert [waiting_position(session, r) for r in regs] == [None, None, 1, 2]
        assert seats_left(session, meetup) == 0
        assert register(session, meetup, people[0], now=NOW).id == regs[0].id  # registering twice changes nothing


def test_freed_seat_is_offered_told_and_expires_to_the_next(store, settings):
    with store.transaction() as session:
        meetup = _meetup(session)
        people = add_members(session, 4)
        regs = [register(session, meetup, p, now=NOW + timedelta(minutes=i)) for i, p in enumerate(people)]
        cancel_registration(session, regs[0], now=NOW + timedelta(hours=1), settings=settings)
        assert regs[2].status == "offered"
        assert regs[2].offered_until == NOW + timedelta(hours=25)
        assert regs[3].status == "waiting" and waiting_position(session, regs[3]) == 1
        offers = session.scalars(select(OutboxItem).where(OutboxItem.kind == "pm")).all()
        assert [o.payload["recipients"] for o in offers] == [[people[2].username]]
        # Nobody can take the offered seat meanwhile.
        (late,) = add_members(session, 1, start=40)
        assert register(session, meetup, late, now=NOW + timedelta(hours=2)).status == "waiting"
        assert expire_offers(session, now=NOW + timedelta(hours=24), settings=settings) == 0
        assert expire_offers(session, now=NOW + timedelta(hours=26), settings=settings) == 1
        assert regs[2].status == "expired" and regs[3].status == "offered"
        with pytest.raises(MeetupRefused, match="no open offer"):
            confirm_offer(session, regs[2], now=NOW + timedelta(hours=26))
        confirm_offer(session, regs[3], now=NOW + timedelta(hours=30))
        assert regs[3].status == "confirmed" and seats_left(session, meetup) == 0
        assert len(session.scalars(select(OutboxItem).where(OutboxItem.kind == "pm")).all()) == 2


def test_offer_window_never_runs_past_the_start(store, settings):
    with store.transaction() as session:
        meetup = _meetup(session, capacity=1, confirm_hours=24 * 14)
        first, second = add_members(session, 2)
        reg1 = register(session, meetup, first, now=NOW)
        reg2 = register(session, meetup, second, now=NOW)
        cancel_registration(session, reg1, now=NOW + timedelta(days=9), settings=settings)
        assert reg2.offered_until == meetup.starts_at
        with pytest.raises(MeetupRefused, match="expired"):
            confirm_offer(session, reg2, now=meetup.starts_at + timedelta(minutes=1))
