"""After publishing: RSVPs (pages and signed links), reminders once, changes announced once, ICS feeds, departures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from sqlalchemy import select

from companion.circles.calendar import (
    build_ics,
    current_token,
    feed_meetings,
    renew_token,
    revoke_tokens,
)
from companion.circles.changes import (
    cancel_meeting,
    handle_member_departure,
    move_meeting,
    reconcile_departures,
)
from companion.circles.errors import RsvpRefused
from companion.circles.formation import form_season
from companion.circles.links import rsvp_links, rsvp_token
from companion.circles.publishing import publish_season
from companion.circles.reminders import queue_due_reminders, send_due_reminders
from companion.circles.rsvp import record_rsvp, rsvp_from_token
from companion.context import Context
from companion.store.models import (
    Circle,
    CircleMember,
    Meeting,
    Member,
    OutboxItem,
    Rsvp,
    Season,
)
from tests.support.circles import add_members, sign_up_all


@pytest.fixture
def published(store, settings, season_id):
    """A published season of 8 members: (circle id, first meeting id, member ids)."""
    with store.transaction() as session:
        season = session.get(Season, season_id)
        people = add_members(session, 8)
        sign_up_all(session, season, people)
        form_season(session, season, settings, actor="admin")
        publish_season(session, season, settings, actor="admin")
        circle = season.circles[0]
        return circle.id, circle.meetings[0].id, [cm.member_id for cm in circle.members]


def _keys(session, fragment):
    return [k for k in session.scalars(select(OutboxItem.idempotency_key)) if fragment in k]


def test_rsvp_records_and_changes_an_answer(store, published):
    _circle_id, meeting_id, members = published
    with store.transaction() as session:
        meeting, member = session.get(Meeting, meeting_id), session.get(Member, members[0])
        now = meeting.starts_at - timedelta(days=3)
        record_rsvp(session, meeting, member, "yes", now=now)
        record_rsvp(session, meeting, member, "maybe", now=now)
        with pytest.raises(RsvpRefused, match="yes, no or maybe"):
            record_rsvp(session, meeting, member, "perhaps", now=now)
        with pytest.raises(RsvpRefused, match="is over"):
            record_rsvp(session, meeting, member, "yes", now=meeting.ends_at)
    with store.transaction() as session:
        assert session.get(Rsvp, (meeting_id, members[0])).answer == "maybe"


def test_rsvp_for_a_cancelled_meeting_is_refused_and_the_old_answer_kept(store, settings, published):
    _circle_id, meeting_id, members = published
    with store.transaction() as session:
        meeting, member = session.get(Meeting, meeting_id), session.get(Member, members[0])
        now = meeting.starts_at - timedelta(days=3)
        record_rsvp(session, meeting, member, "yes", now=now)
        assert cancel_meeting(session, meeting, settings, actor="admin") is True
        assert cancel_meeting(session, meeting, settings, actor="admin") is False
        with pytest.raises(RsvpRefused, match="cancelled"):
            record_rsvp(session, meeting, member, "no", now=now)
        # The refusal is worded in the reader's language when shown, outside any request too.
        assert "abgesagt" in record_rsvp_refusal(session, meeting, member, now).text("de")
    with store.transaction() as session:
        assert session.get(Rsvp, (meeting_id, members[0])).answer == "yes"
        assert len(_keys(session, f"circles:meeting:{meeting_id}:changed:")) == 1


def test_signed_link_records_for_its_member_only(store, settings, published):
    _circle_id, meeting_id, members = published
    token = rsvp_token(settings, meeting_id, members[1])
    with store.transaction() as session:
        now = session.get(Meeting, meeting_id).starts_at - timedelta(days=2)
        rsvp_from_token(session, settings, token, "no", now=now)
        with pytest.raises(RsvpRefused, match="not valid"):
            rsvp_from_token(session, settings, token[:-2] + "xx", "yes", now=now)
        with pytest.raises(RsvpRefused, match="another member"):
            rsvp_from_token(session, settings, token, "yes", now=now, logged_in=session.get(Member, members[0]))
        rsvp_from_token(session, settings, token, "maybe", now=now, logged_in=session.get(Member, members[1]))
    with store.transaction() as session:
        assert session.get(Rsvp, (meeting_id, members[1])).answer == "maybe"
    other_key = settings.replace(secret_key="another-secret-key-9876543210")
    with store.transaction() as session:
        with pytest.raises(RsvpRefused):
            rsvp_from_token(session, other_key, token, "yes", now=now)


def test_non_members_cannot_answer(store, published):
    _circle_id, meeting_id, _members = published
    with store.transaction() as session:
        (outsider,) = add_members(session, 1, start=90)
        meeting = session.get(Meeting, meeting_id)
        with pytest.raises(RsvpRefused, match="only members"):
            record_rsvp(session, meeting, outsider, "yes", now=meeting.starts_at - timedelta(days=1))


def test_reminders_go_once_seven_days_and_one_day_before(store, settings, published):
    _circle_id, meeting_id, members = published
    with store.transaction() as session:
        start = session.get(Meeting, meeting_id).starts_at
    context = Context(settings=settings, store=store)
    too_early = send_due_reminders(context, start - timedelta(days=8))
    assert too_early["queued"] == 0
    week = send_due_reminders(context, start - timedelta(days=6, hours=23))
    assert week["queued"] == len(members)
    again = send_due_reminders(context, start - timedelta(days=5))
    assert again["queued"] == 0 and again["already_queued"] == len(members)
    with store.transaction() as session:
        record_rsvp(
            session,
            session.get(Meeting, meeting_id),
            session.get(Member, members[0]),
            "no",
            now=start - timedelta(days=2),
        )
    day = send_due_reminders(context, start - timedelta(hours=20))
    assert day["queued"] == len(members) - 1  # the member who said no is not reminded again
    assert send_due_reminders(context, start + timedelta(minutes=1))["queued"] == 0
    with store.transaction() as session:
        week_keys = _keys(session, f"circles:meeting:{meeting_id}:reminder-7d:")
        day_keys = _keys(session, f"circles:meeting:{meeting_id}:reminder-1d:")
        assert len(week_keys) == len(members) and len(day_keys) == len(members) - 1
        item = session.scalar(select(OutboxItem).where(OutboxItem.idempotency_key == week_keys[0]))
        member = session.get(Member, item.member_id)
        assert item.payload["recipients"] == [member.username]
        for url in rsvp_links(settings, meeting_id, member.id).values():
            assert url in item.payload["raw"]


def test_moving_a_meeting_bumps_sequence_and_announces_once_per_change(store, settings, published):
    _circle_id, meeting_id, _members = published
    with store.transaction() as session:
        meeting = session.get(Meeting, meeting_id)
        length = meeting.ends_at - meeting.starts_at
        target = meeting.starts_at + timedelta(days=1)
        assert move_meeting(session, meeting, target, settings, actor="admin") is True
        assert move_meeting(session, meeting, target, settings, actor="admin") is False
        assert meeting.sequence == 1 and meeting.ends_at - meeting.starts_at == length
        move_meeting(session, meeting, target + timedelta(hours=2), settings, actor="admin")
        assert len(_keys(session, f"circles:meeting:{meeting_id}:changed:")) == 2


def test_ics_feed_round_trips_with_uid_tzid_sequence_and_cancellation(store, settings, published):
    circle_id, meeting_id, members = published
    now = datetime(2025, 1, 25, tzinfo=UTC)
    with store.transaction() as session:
        circle = session.get(Circle, circle_id)
        circle_token = current_token(session, circle=circle).token
        member_token = current_token(session, member=session.get(Member, members[0])).token
        assert current_token(session, circle=circle).token == circle_token
        cancel_meeting(session, session.get(Meeting, meeting_id), settings, actor="admin")
        name, meetings = feed_meetings(session, circle_token)
        parsed = icalendar.Calendar.from_ical(build_ics(session, name, meetings, settings, generated_at=now))
        uids = [m.uid for m in circle.meetings]
    events = parsed.walk("VEVENT")
    assert [str(e["UID"]) for e in events] == uids
    assert parsed.walk("VTIMEZONE") and str(parsed.walk("VTIMEZONE")[0]["TZID"]) == "Europe/Berlin"
    first = events[0]
    assert first["DTSTART"].dt.tzinfo is not None and first["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert str(first["STATUS"]) == "CANCELLED" and int(first["SEQUENCE"]) == 1
    assert str(events[1]["STATUS"]) == "CONFIRMED" and str(events[1]["LOCATION"])
    with store.transaction() as session:
        assert len(feed_meetings(session, member_token)[1]) == len(uids)
        assert len(circle_token) >= 43
        revoke_tokens(session, now=now, circle=session.get(Circle, circle_id))
        assert feed_meetings(session, circle_token) is None
        renewed = renew_token(session, now=now, member=session.get(Member, members[0]))
        assert renewed.token != member_token and feed_meetings(session, member_token) is None
        assert feed_meetings(session, renewed.token) is not None


def test_member_departure_leaves_circle_keeps_the_rest_and_announces_once(store, settings, published):
    circle_id, meeting_id, members = published
    now = datetime(2025, 2, 20, tzinfo=UTC)
    with store.transaction() as session:
        meeting = session.get(Meeting, meeting_id)
        for member_id in members[:2]:
            record_rsvp(
                session, meeting, session.get(Member, member_id), "yes", now=meeting.starts_at - timedelta(days=1)
            )
        leaving = session.get(Member, members[0])
        leaving_name = leaving.username
        assert handle_member_departure(session, leaving, now=now) == 1
        assert handle_member_departure(session, leaving, now=now) == 0
        # The forum account is then deleted: the member's own rows go, everyone else's stay.
        session.delete(leaving)
    with store.transaction() as session:
        assert session.get(Rsvp, (meeting_id, members[1])).answer == "yes"
        remaining = session.scalars(select(CircleMember).where(CircleMember.circle_id == circle_id)).all()
        assert sorted(cm.member_id for cm in remaining) == sorted(members[1:])
        assert len(_keys(session, f"circles:circle:{circle_id}:left:")) == 1
        removal = session.scalar(select(OutboxItem).where(OutboxItem.kind == "group_remove"))
        assert removal.payload["usernames"] == [leaving_name]
        suspended = session.get(Member, members[1])
        suspended.suspended = True
        assert reconcile_departures(session, now=now) == 1
        reminders = queue_due_reminders(
            session, settings, now=session.get(Meeting, meeting_id).starts_at - timedelta(days=3)
        )
        assert reminders["queued"] == len(members) - 2


def record_rsvp_refusal(session, meeting, member, now) -> RsvpRefused:
    with pytest.raises(RsvpRefused) as raised:
        record_rsvp(session, meeting, member, "no", now=now)
    return raised.value
