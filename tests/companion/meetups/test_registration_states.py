"""The meetup registration lifecycle, and a service that meets its table."""

from datetime import UTC, datetime, timedelta

import pytest

from companion.meetups.registration import MeetupSpec, cancel_registration, confirm_offer, create_meetup, register
from companion.meetups.states import REGISTRATION, RegistrationStatus
from companion.store.states import InvalidTransition
from tests.support.circles import add_members
from tests.support.lifecycles import transitions

NOW = datetime(2025, 3, 1, 10, 0, tzinfo=UTC)


def test_the_registration_table_allows_exactly_these_changes():
    transitions(
        REGISTRATION,
        {
            ("confirmed", "cancelled"),
            ("waiting", "offered"),
            ("waiting", "cancelled"),
            ("offered", "confirmed"),
            ("offered", "cancelled"),
            ("offered", "expired"),
            ("cancelled", "confirmed"),
            ("cancelled", "waiting"),
            ("expired", "confirmed"),
            ("expired", "waiting"),
        },
    )


def test_a_cancelled_seat_is_taken_again_by_registering_and_a_stray_move_is_refused(store):
    with store.transaction() as session:
        meetup = create_meetup(
            session,
            MeetupSpec(title="Treffen", starts_at=NOW + timedelta(days=3), ends_at=NOW + timedelta(days=3, hours=2)),
            actor="admin",
        )
        (person,) = add_members(session, 1)
        registration = register(session, meetup, person, now=NOW)
        assert cancel_registration(session, registration, now=NOW) is True
        assert registration.status == RegistrationStatus.CANCELLED
        with pytest.raises(InvalidTransition):
            REGISTRATION.move(registration, RegistrationStatus.OFFERED)
        assert register(session, meetup, person, now=NOW).status == RegistrationStatus.CONFIRMED
        assert confirm_offer(session, registration, now=NOW).status == "confirmed"
