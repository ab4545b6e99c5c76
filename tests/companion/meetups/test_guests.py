"""Guests without a forum account: double opt-in by e-mail (a local SMTP server), capacity, waiting, cancel, purge."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from companion.circles.errors import MeetupRefused
from companion.meetups.guests import cancel_guest, confirm_guest, guest_by_token, purge_guests, register_guest
from companion.meetups.mail import MailUnavailable, send_mail
from companion.meetups.registration import seats_left
from companion.store.models import Meetup, MeetupGuest
from tests.support.formats import START, make_meetup
from tests.support.smtp import smtp_server

NOW = START - timedelta(days=3)


def test_guests_count_against_capacity_and_wait_when_full(store):
    with store.transaction() as session:
        meetup, _ = make_meetup(session, capacity=2, participants=1)
        first, token_a = register_guest(session, meetup, "Bürgerin A", "a@example.org", now=NOW)
        second, token_b = register_guest(session, meetup, "Bürger B", "B@Example.org ", now=NOW)
        assert first.status == "unconfirmed" and seats_left(session, meetup) == 1, "unconfirmed guests hold nothing"
        assert confirm_guest(session, guest_by_token(session, token_a), now=NOW).status == "confirmed"
        assert seats_left(session, meetup) == 0
        assert confirm_guest(session, guest_by_token(session, token_b), now=NOW).status == "waiting"
        promoted = cancel_guest(session, first, now=NOW)
        assert promoted is not None and promoted.id == second.id and second.status == "confirmed"
        assert seats_left(session, meetup) == 0
        assert guest_by_token(session, "not-a-token") is None
        assert second.email == "b@example.org"


def test_bad_input_and_repeated_registrations(store):
    with store.transaction() as session:
        meetup, _ = make_meetup(session)
        with pytest.raises(MeetupRefused, match="e-mail"):
            register_guest(session, meetup, "X", "no-address", now=NOW)
        with pytest.raises(MeetupRefused, match="name"):
            register_guest(session, meetup, "  ", "x@example.org", now=NOW)
        guest, old_token = register_guest(session, meetup, "X", "x@example.org", now=NOW)
        again, new_token = register_guest(session, meetup, "X Y", "x@example.org", now=NOW)
        assert again.id == guest.id and guest_by_token(session, old_token) is None
        confirm_guest(session, guest_by_token(session, new_token), now=NOW)
        with pytest.raises(MeetupRefused, match="already registered"):
            register_guest(session, meetup, "X", "x@example.org", now=NOW)
        with pytest.raises(MeetupRefused, match="over"):
            register_guest(session, meetup, "Z", "z@example.org", now=meetup.ends_at + timedelta(minutes=1))


def test_guest_data_is_deleted_after_the_retention(store):
    with store.transaction() as session:
        meetup, _ = make_meetup(session)
        register_guest(session, meetup, "A", "a@example.org", now=NOW)
        assert purge_guests(session, now=meetup.ends_at + timedelta(days=29), retention_days=30) == 0
        assert purge_guests(session, now=meetup.ends_at + timedelta(days=31), retention_days=30) == 1
        assert session.scalars(select(MeetupGuest)).all() == []


def test_mail_goes_through_the_configured_smtp_server(settings):
    with smtp_server() as (inbox, port):
        configured = settings.replace(smtp_host="127.0.0.1", smtp_port=port, smtp_from="rebellen@example.org")
        send_mail(configured, "Bürgerin Ä", "a@example.org", "Bitte bestätige", "Hallo,\nbitte bestätigen.")
    assert len(inbox.messages) == 1
    message = inbox.messages[0]
    assert message["Subject"] == "Bitte bestätige" and "a@example.org" in message["To"]
    assert "bitte bestätigen" in inbox.bodies()[0]


def test_mail_without_server_or_with_a_dead_one_is_a_clear_error(settings):
    with pytest.raises(MailUnavailable, match="SMTP_HOST"):
        send_mail(settings, "A", "a@example.org", "s", "b")
    with smtp_server() as (_, port):
        pass
    dead = settings.replace(smtp_host="127.0.0.1", smtp_port=port, smtp_from="x@example.org")
    with pytest.raises(MailUnavailable, match="did not take"):
        send_mail(dead, "A", "a@example.org", "s", "b")


def test_unknown_meetup_rows_stay_untouched(store):
    with store.transaction() as session:
        meetup, _ = make_meetup(session)
        assert session.get(Meetup, meetup.id) is not None
