"""The member's feed: read alike by a second parser (vobject) in summer and winter time, with booked meetups."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import vobject

from companion.circles.calendar import build_ics, current_token, feed_meetings, feed_meetups
from companion.circles.formation import form_season
from companion.circles.publishing import publish_season
from companion.meetups.registration import MeetupSpec, create_meetup, register
from companion.store.models import Member, Season
from tests.support.circles import add_members, sign_up_all


def _feed(session, settings, token, now):
    name, meetings = feed_meetings(session, token)
    return build_ics(session, name, meetings, settings, generated_at=now, meetups=feed_meetups(session, token))


def test_vobject_reads_every_meeting_at_the_stored_instant_across_summer_time(store, settings, season_id):
    now = datetime(2025, 1, 25, tzinfo=UTC)
    with store.transaction() as session:
        season = session.get(Season, season_id)
        season.meetings_count = 6  # February to autumn: both sides of the March and October changes
        sign_up_all(session, season, add_members(session, 8))
        form_season(session, season, settings, actor="admin")
        publish_season(session, season, settings, actor="admin")
        circle = season.circles[0]
        expected = {m.uid: m.starts_at.astimezone(UTC) for m in circle.meetings}
        member = session.get(Member, circle.members[0].member_id)
        body = _feed(session, settings, current_token(session, member=member).token, now)
    months = {instant.month for instant in expected.values()}
    assert months & {4, 5, 6, 7, 8, 9} and months & {1, 2, 3, 11, 12}
    parsed = vobject.readOne(body.decode())
    read = {str(event.uid.value): event.dtstart.value.astimezone(UTC) for event in parsed.vevent_list}
    assert read == expected
    assert b"RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3" in body
    assert body.count(b"BEGIN:DAYLIGHT") == 1 and body.count(b"BEGIN:STANDARD") == 1


def test_a_booked_meetup_seat_is_in_the_member_feed(store, settings):
    now = datetime(2025, 1, 25, 9, 0, tzinfo=UTC)
    with store.transaction() as session:
        booked, other = add_members(session, 2)
        meetup = create_meetup(
            session,
            MeetupSpec(
                title="Barcamp Verwaltung",
                starts_at=datetime(2025, 6, 12, 8, 0, tzinfo=UTC),
                ends_at=datetime(2025, 6, 12, 15, 0, tzinfo=UTC),
                capacity=10,
                location="Essen",
            ),
            actor="admin",
        )
        register(session, meetup, booked, now=now)
        mine = vobject.readOne(_feed(session, settings, current_token(session, member=booked).token, now).decode())
        theirs = _feed(session, settings, current_token(session, member=other).token, now)
    (event,) = mine.vevent_list
    assert event.summary.value == "Meetup: Barcamp Verwaltung"
    assert event.dtstart.value.astimezone(UTC) == datetime(2025, 6, 12, 8, 0, tzinfo=UTC)
    assert event.dtend.value - event.dtstart.value == timedelta(hours=7)
    assert b"Barcamp" not in theirs
